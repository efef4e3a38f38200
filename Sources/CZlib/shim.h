#ifndef FLEETWATCH_CZLIB_SHIM_H
#define FLEETWATCH_CZLIB_SHIM_H
#include <zlib.h>
#endif
