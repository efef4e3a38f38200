internal import FleetModel
internal import FleetProto

/// Mapping between the public message types and the generated Envelope.
extension WireMessage {
    func envelope() -> Fleet_V1_Envelope {
        var envelope = Fleet_V1_Envelope()
        switch self {
        case .hello(let hello): envelope.hello = hello.proto()
        case .batch(let batch): envelope.batch = batch.proto()
        case .ack(let ack):
            var proto = Fleet_V1_Ack()
            proto.agentID = ack.agentID
            proto.sequence = ack.sequence
            proto.status = Fleet_V1_Ack.Status(rawValue: ack.status.rawValue) ?? .unspecified
            if let last = ack.lastCommittedSequence { proto.lastCommittedSequence = last }
            envelope.ack = proto
        case .error(let error):
            var proto = Fleet_V1_Error()
            proto.code = Fleet_V1_Error.Code(rawValue: error.code.rawValue) ?? .unspecified
            proto.message = error.message
            envelope.error = proto
        }
        return envelope
    }

    init(envelope: Fleet_V1_Envelope, limits: WireLimits) throws(WireCodecError) {
        switch envelope.body {
        case .hello(let hello):
            self = .hello(try WireHello(proto: hello))
        case .batch(let batch):
            self = .batch(try WireBatch(proto: batch, limits: limits))
        case .ack(let ack):
            self = .ack(WireAck(
                agentID: ack.agentID, sequence: ack.sequence, status: .init(rawValue: ack.status.rawValue),
                lastCommittedSequence: ack.hasLastCommittedSequence ? ack.lastCommittedSequence : nil))
        case .error(let error):
            self = .error(WireError(code: .init(rawValue: error.code.rawValue), message: error.message))
        case .none:
            throw WireCodecError.emptyEnvelope.with("envelope carries no known message")
        }
    }
}

extension WireHello {
    func proto() -> Fleet_V1_Hello {
        var proto = Fleet_V1_Hello()
        proto.protocolVersion = protocolVersion
        proto.agentID = agentID
        proto.token = token
        proto.hostname = hostname
        proto.agentVersion = agentVersion
        if let cloudProvider { proto.cloudProvider = cloudProvider }
        if let instanceID { proto.instanceID = instanceID }
        proto.interfaceAddresses = interfaceAddresses.map { address in
            var entry = Fleet_V1_Address()
            entry.bytes = RecordsEncoder.bytes(of: address)
            return entry
        }
        proto.vpcCidrs = vpcCIDRs.map { cidr in
            var entry = Fleet_V1_Cidr()
            entry.address = RecordsEncoder.bytes(of: cidr.address)
            entry.prefixLength = UInt32(cidr.prefixLength)
            return entry
        }
        proto.nextSequence = nextSequence
        return proto
    }

    init(proto: Fleet_V1_Hello) throws(WireCodecError) {
        var addresses: [IPAddress] = []
        for entry in proto.interfaceAddresses {
            addresses.append(try RecordsDecoder.address(from: entry.bytes))
        }
        var cidrs: [WireCIDR] = []
        for entry in proto.vpcCidrs {
            let address = try RecordsDecoder.address(from: entry.address)
            let maximum: UInt32 = address.isIPv4 ? 32 : 128
            guard entry.prefixLength <= maximum else {
                throw WireCodecError.invalidValue.with("CIDR prefix length \(entry.prefixLength)")
            }
            cidrs.append(WireCIDR(address: address, prefixLength: UInt8(entry.prefixLength)))
        }
        self.init(
            protocolVersion: proto.protocolVersion, agentID: proto.agentID, token: proto.token,
            hostname: proto.hostname, agentVersion: proto.agentVersion,
            cloudProvider: proto.hasCloudProvider ? proto.cloudProvider : nil,
            instanceID: proto.hasInstanceID ? proto.instanceID : nil,
            interfaceAddresses: addresses, vpcCIDRs: cidrs, nextSequence: proto.nextSequence)
    }
}

extension WireBatch {
    func proto() -> Fleet_V1_Batch {
        var proto = Fleet_V1_Batch()
        proto.agentID = agentID
        proto.sequence = sequence
        proto.firstTimeUs = firstTime.microseconds
        proto.lastTimeUs = lastTime.microseconds
        var stats = Fleet_V1_CaptureStats()
        stats.packetsSeen = self.stats.packetsSeen
        stats.kernelDrops = self.stats.kernelDrops
        stats.flowsActive = self.stats.flowsActive
        stats.flowsEvicted = self.stats.flowsEvicted
        stats.batchesSpooled = self.stats.batchesSpooled
        stats.batchesDropped = self.stats.batchesDropped
        stats.spoolBytes = self.stats.spoolBytes
        stats.interfaceDrops = self.stats.interfaceDrops
        stats.packetsSeenDelta = self.stats.packetsSeenDelta
        stats.dropsDelta = self.stats.dropsDelta
        proto.stats = stats
        proto.weirdCounters = weirdCounters.sorted { $0.key < $1.key }.map { name, count in
            var counter = Fleet_V1_WeirdCounter()
            counter.name = name
            counter.count = count
            return counter
        }
        proto.records = RecordsEncoder.encode(records)
        return proto
    }

    init(proto: Fleet_V1_Batch, limits: WireLimits) throws(WireCodecError) {
        let announced = RecordsDecoder.recordCount(proto.records)
        guard announced <= limits.maxRecordsPerBatch else {
            throw WireCodecError.tooManyRecords.with(
                "batch \(proto.sequence) holds \(announced) records, limit is \(limits.maxRecordsPerBatch)")
        }
        var counters: [String: UInt64] = [:]
        for counter in proto.weirdCounters {
            guard counters.updateValue(counter.count, forKey: counter.name) == nil else {
                throw WireCodecError.invalidValue.with("weird counter \(counter.name) appears twice")
            }
        }
        let stats = WireCaptureStats(
            packetsSeen: proto.stats.packetsSeen, kernelDrops: proto.stats.kernelDrops,
            flowsActive: proto.stats.flowsActive, flowsEvicted: proto.stats.flowsEvicted,
            batchesSpooled: proto.stats.batchesSpooled, batchesDropped: proto.stats.batchesDropped,
            spoolBytes: proto.stats.spoolBytes, interfaceDrops: proto.stats.interfaceDrops,
            packetsSeenDelta: proto.stats.packetsSeenDelta, dropsDelta: proto.stats.dropsDelta)
        self.init(
            agentID: proto.agentID, sequence: proto.sequence,
            firstTime: NetworkTime(microseconds: proto.firstTimeUs),
            lastTime: NetworkTime(microseconds: proto.lastTimeUs),
            stats: stats, weirdCounters: counters, records: try RecordsDecoder.decode(proto.records))
    }
}
