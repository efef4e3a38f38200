public import FleetModel
public import PacketLayers

/// Bidirectional flows with Zeek conn.log semantics, driven by packet time.
///
/// Owns the flow table, runs Zeek's TCP state machine per connection, feeds
/// application analyzers, and appends finished (and interim) records to its
/// output. Pure: no I/O, no wall clock.
public struct FlowTracker: PacketSink {
    public let configuration: FlowConfiguration
    public internal(set) var counters = FlowCounters()
    var output = RecordBatch()

    var connections: [Connection?] = []
    var freeSlots: [Int32] = []
    /// Removed connections kept for reuse (at most `maxSpareConnections`).
    var spareConnections: [Connection] = []
    /// Per slot, bumped at each removal so stale timer entries are recognised.
    var generations: [UInt32] = []
    /// Per slot, the time of the newest timer entry pushed for it (-1: none).
    var pendingDeadlines: [Int64] = []
    var index = FlowIndex()
    var timers = TimerHeap()
    /// `configuration.analyzers`, compiled.
    let analyzerPlan: AnalyzerPlan
    /// Analyzers of removed connections, kept for reuse.
    var analyzerPool = AnalyzerPool()
    /// conn.log history texts made recently.
    var historyTexts = HistoryTextCache()
    /// The removal timeouts of `configuration`.
    let timeouts: ConnectionTimeouts
    /// `configuration.likelyServerPortsTCP` and `likelyServerPortsUDP`, compiled.
    let serverPortsTCP: PortSet
    let serverPortsUDP: PortSet
    /// `configuration.localNetworks`, compiled.
    let localNetworks: LocalNetworkMatcher
    var uids: UIDGenerator
    var now = NetworkTime.zero
    var tunnelContexts: [TunnelParent: UInt32] = [:]
    var tunnelUIDs: [TunnelParent: String] = [:]
    /// Weird names the TCP state machine reported for the current packet (kept here so that
    /// its storage outlives the packet: no array is made and released per segment).
    var tcpWeirds: [String] = []

    public init(configuration: FlowConfiguration = FlowConfiguration()) {
        self.configuration = configuration
        analyzerPlan = AnalyzerPlan(configuration.analyzers)
        timeouts = ConnectionTimeouts(configuration)
        localNetworks = LocalNetworkMatcher(configuration.localNetworks)
        serverPortsTCP = PortSet(configuration.likelyServerPortsTCP)
        serverPortsUDP = PortSet(configuration.likelyServerPortsUDP)
        uids = UIDGenerator(seed: configuration.uidSeed)
    }

    public mutating func weird(_ weird: WeirdRecord) {
        output.weirds.append(weird)
    }

    /// Returns the records completed so far and forgets them.
    ///
    /// The next batch starts with room for half as many records again as this one had, so that
    /// a steady stream is not copied into doubling arrays after every drain.
    public mutating func drain() -> RecordBatch {
        let batch = output.take()
        func room(_ count: Int) -> Int { count + count / 2 }
        output.conns.reserveCapacity(room(batch.conns.count))
        output.dns.reserveCapacity(room(batch.dns.count))
        output.http.reserveCapacity(room(batch.http.count))
        output.ssl.reserveCapacity(room(batch.ssl.count))
        output.weirds.reserveCapacity(room(batch.weirds.count))
        return batch
    }

    /// Emits final records for every open flow (end of input) and empties the table.
    public mutating func finishAll() {
        for slot in connections.indices where connections[slot] != nil {
            remove(slot: Int32(slot), reason: .endOfInput)
        }
        timers.removeAll()
    }

    /// Advances packet time without a packet (e.g. a live capture gone quiet), running due timers.
    public mutating func advance(to time: NetworkTime) {
        // Never backwards: a live capture's idle advance may race a packet stamped earlier.
        guard time >= now else { return }
        runTimers(upTo: time)
    }

    public mutating func receive(_ packet: DecodedPacket, bytes: UnsafeRawBufferPointer) {
        counters.packets &+= 1
        if packet.timestamp > now {
            now = packet.timestamp
            // Most packets find no timer due: no call.
            if timers.earliest <= packet.timestamp.microseconds { runTimers(upTo: packet.timestamp) }
        }

        let transport: TransportProtocol
        var sourcePort = packet.sourcePort
        var destinationPort = packet.destinationPort
        switch packet.ipProto {
        case 6: transport = .tcp
        case 17: transport = .udp
        case 1, 58:
            transport = .icmp
            let ports = ICMPPorts.ports(type: packet.icmpType, code: packet.icmpCode, v6: packet.ipProto == 58)
            sourcePort = ports.source
            destinationPort = ports.destination
        default:
            counters.otherTransport &+= 1
            return
        }

        var context: UInt32 = 0
        // VXLAN/GENEVE carry whole networks (mirrored VPCs): keep their flows apart per
        // tunnel. Other tunnels carry routable inner addresses and are keyed like Zeek:
        // on the inner 5-tuple alone.
        if let tunnel = packet.tunnel, tunnel.kind == .vxlan || tunnel.kind == .geneve {
            context = tunnelContext(for: tunnel)
        }
        if configuration.vlanInFlowKey, let vlan = packet.vlan { context ^= UInt32(vlan) << 16 | UInt32(packet.innerVLAN ?? 0) }

        let key = FlowKey(
            source: packet.source, sourcePort: sourcePort, destination: packet.destination,
            destinationPort: destinationPort, ipProto: packet.ipProto, context: context)

        var slot = index[key]
        if let existing = slot, transport == .tcp, let segment = packet.tcp, segment.flags.contains(.syn),
           let connection = connections[Int(existing)],
           connection.tcp.isReuse(
               flags: segment.flags, sequence: segment.sequence,
               originatorSide: connection.isFromOriginator(host: packet.source, port: sourcePort)) {
            remove(slot: existing, reason: .reuse)
            slot = nil
        }
        let slotIndex: Int32
        if let slot {
            slotIndex = slot
        } else {
            slotIndex = createConnection(
                key: key, packet: packet, transport: transport, sourcePort: sourcePort,
                destinationPort: destinationPort)
        }
        if let tunnel = packet.tunnel { noteTunnel(tunnel, of: slotIndex) }
        // The slab holds the connection for the rest of this call (nothing here removes one):
        // it is used unretained, without a retain/release pair per packet.
        guard let connection = unretainedConnection(at: slotIndex) else { return }
        connection._withUnsafeGuaranteedRef { connection in
            Self.process(
                connection, packet: packet, bytes: bytes, sourcePort: sourcePort, plan: analyzerPlan,
                pool: &analyzerPool, output: &output, counters: &counters, weirds: &tcpWeirds)
            // Deadline work only when what the deadline depends on changed (see `scheduledSignature`).
            let signature = connection.deadlineSignature()
            if signature != connection.scheduledSignature || connection.lastTime < connection.scheduledLastTime {
                connection.scheduledSignature = signature
                connection.scheduledLastTime = connection.lastTime
                if let deadline = Self.nextDeadline(connection, timeouts: timeouts) {
                    scheduleIfEarlier(slot: slotIndex, generation: connection.generation, at: deadline)
                }
            }
        }
    }

    /// The connection in `slot`, unretained: valid only while the slab keeps it.
    @inline(__always)
    private func unretainedConnection(at slot: Int32) -> Unmanaged<Connection>? {
        let position = Int(slot)
        return connections.withUnsafeBufferPointer { buffer in
            guard position >= 0, position < buffer.count, let connection = buffer[position] else { return nil }
            return Unmanaged.passUnretained(connection)
        }
    }

    // MARK: - Creating connections

    private mutating func tunnelContext(for tunnel: TunnelParent) -> UInt32 {
        let key = Self.canonical(tunnel)
        if let existing = tunnelContexts[key] { return existing }
        let next = UInt32(truncatingIfNeeded: tunnelContexts.count + 1)
        if tunnelContexts.count < 65_536 { tunnelContexts[key] = next }
        return next
    }

    /// The tunnel as a direction-independent key (both directions share one context and uid).
    static func canonical(_ tunnel: TunnelParent) -> TunnelParent {
        var key = tunnel
        if (tunnel.destination, tunnel.destinationPort) < (tunnel.source, tunnel.sourcePort) {
            key.source = tunnel.destination
            key.sourcePort = tunnel.destinationPort
            key.destination = tunnel.source
            key.destinationPort = tunnel.sourcePort
        }
        return key
    }

    /// Records the tunnel of a decapsulated packet: its uid in the connection's tunnel parents,
    /// its service on the outer UDP flow.
    @inline(never)
    private mutating func noteTunnel(_ tunnel: TunnelParent, of slot: Int32) {
        let tunnelParent = noteTunnel(tunnel)
        guard let connection = connections[Int(slot)] else { return }
        if !connection.tunnelParents.contains(tunnelParent), connection.tunnelParents.count < 8 {
            connection.tunnelParents.append(tunnelParent)
        }
    }

    /// Marks the outer UDP flow of a decapsulated packet with its tunnel service and returns its uid.
    private mutating func noteTunnel(_ tunnel: TunnelParent) -> String {
        let uid = tunnelUID(for: tunnel)
        if tunnel.ipProto == 17 {
            let outerKey = FlowKey(
                source: tunnel.source, sourcePort: tunnel.sourcePort, destination: tunnel.destination,
                destinationPort: tunnel.destinationPort, ipProto: 17, context: 0)
            if let slot = index[outerKey], let outer = connections[Int(slot)],
               !outer.services.contains(tunnel.kind.rawValue) {
                outer.services.append(tunnel.kind.rawValue)
            }
        }
        return uid
    }

    /// uid of the encapsulating flow: the outer UDP connection when tracked, else a tunnel uid of its own.
    private mutating func tunnelUID(for tunnel: TunnelParent) -> String {
        if tunnel.ipProto == 17 {
            let outerKey = FlowKey(
                source: tunnel.source, sourcePort: tunnel.sourcePort, destination: tunnel.destination,
                destinationPort: tunnel.destinationPort, ipProto: 17, context: 0)
            if let slot = index[outerKey], let outer = connections[Int(slot)] { return outer.uid }
        }
        let key = Self.canonical(tunnel)
        if let uid = tunnelUIDs[key] { return uid }
        let uid = uids.next()
        if tunnelUIDs.count < 65_536 { tunnelUIDs[key] = uid }
        return uid
    }

    private mutating func createConnection(
        key: FlowKey, packet: DecodedPacket, transport: TransportProtocol, sourcePort: UInt16,
        destinationPort: UInt16
    ) -> Int32 {
        if index.count >= configuration.maxFlows { evictOne() }

        var flip = false
        switch transport {
        case .tcp:
            // A connection first seen without its SYN (or at the SYN-ACK): guess the
            // responder from likely server ports, as Zeek does ('^' in the history).
            if let flags = packet.tcp?.flags, !flags.contains(.syn) || flags.contains(.ack) {
                let servers = serverPortsTCP
                if servers.contains(sourcePort) {
                    if servers.contains(destinationPort) {
                        flip = sourcePort < destinationPort
                    } else {
                        flip = true
                    }
                }
            }
        case .udp:
            let servers = serverPortsUDP
            flip = servers.contains(sourcePort) && !servers.contains(destinationPort)
        case .icmp:
            // Zeek never flips ICMP: the first sender is the originator, even of a reply type.
            flip = false
        case .unknown:
            break
        }

        let connection = spareConnections.popLast() ?? Connection()
        connection.start(
            key: key, uid: uids.next(), originatorHost: packet.source, originatorPort: sourcePort,
            responderHost: packet.destination, responderPort: destinationPort, ipProto: packet.ipProto,
            transport: transport, startTime: packet.timestamp, lastTime: packet.timestamp)
        if transport == .tcp {
            // Analyze stream data only when the handshake is in view (a SYN or SYN-ACK starts it).
            connection.analyzing = packet.tcp?.flags.contains(.syn) ?? false
        } else {
            connection.analyzing = transport == .udp
        }
        if flip { connection.flipRoles() }
        if connection.analyzing {
            let originatorPort = connection.originatorPort, responderPort = connection.responderPort
            if analyzerPlan.compiled {
                let set = analyzerPlan.entries(transport: transport, originatorPort: originatorPort, responderPort: responderPort)
                if analyzerPlan.canDefer(set) {
                    // Made at the first stream event (most flows reject most analyzers at once).
                    connection.deferredAnalyzers = set
                } else {
                    connection.analyzers = configuration.analyzers.analyzers(
                        transport: transport, originatorPort: originatorPort, responderPort: responderPort)
                }
                connection.analyzerTimeout = analyzerPlan.inactivityTimeout(of: set)
            } else {
                connection.analyzers = configuration.analyzers.analyzers(
                    transport: transport, originatorPort: originatorPort, responderPort: responderPort)
                connection.analyzerTimeout = configuration.analyzers.inactivityTimeout(
                    transport: transport, originatorPort: originatorPort, responderPort: responderPort)
            }
            connection.tcp.reassembling = connection.hasAnalyzers
        }
        connection.vlan = packet.vlan
        connection.innerVLAN = packet.innerVLAN
        if let interval = configuration.interimInterval, interval.microseconds > 0 {
            var first = interval
            if transport == .tcp, let delay = configuration.firstInterimDelay, delay.microseconds > 0, delay < interval {
                first = delay
            }
            connection.nextInterim = packet.timestamp + first
        }

        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            connection.generation = generations[Int(slot)]
            connections[Int(slot)] = connection
        } else {
            slot = Int32(connections.count)
            connections.append(connection)
            generations.append(0)
            pendingDeadlines.append(-1)
        }
        index[key] = slot
        counters.flowsCreated &+= 1
        counters.flowsActive = index.count
        return slot
    }
}
