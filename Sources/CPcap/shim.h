#ifndef FLEETWATCH_CPCAP_SHIM_H
#define FLEETWATCH_CPCAP_SHIM_H
#include <pcap/pcap.h>
#endif
