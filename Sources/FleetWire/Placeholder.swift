// FleetWire: proto<->model mapping, compression, framing (issue 3).
enum FleetWirePlaceholder {}
