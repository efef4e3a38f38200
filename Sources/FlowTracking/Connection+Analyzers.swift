import FleetModel

extension Connection {
    /// Delivers stream bytes (TCP, in order) or a datagram (UDP) to the analyzers, in place:
    /// deferred analyzers are made first (`AnalyzerPlan.attach`), confirmations recorded in
    /// `services`, rejected analyzers dropped.
    func deliver(
        _ data: UnsafeRawBufferPointer, fromOriginator: Bool, at time: NetworkTime, plan: AnalyzerPlan,
        pool: inout AnalyzerPool, output: inout RecordBatch
    ) {
        if deferredAnalyzers != 0 {
            plan.attach(deferredAnalyzers, firstData: data, fromOriginator: fromOriginator, transport: transport, to: &analyzers, pool: &pool)
            deferredAnalyzers = 0
        }
        var i = 0
        while i < analyzers.count {
            let status = analyzers[i].analyzer.deliver(data, fromOriginator: fromOriginator, at: time, context: context, output: &output)
            switch status {
            case .pending:
                i += 1
            case .confirmed:
                if !analyzers[i].confirmed {
                    analyzers[i].confirmed = true
                    if services.isEmpty {
                        services = analyzers[i].serviceAlone
                    } else {
                        let service = analyzers[i].service
                        if !services.contains(service) { services.append(service) }
                    }
                }
                i += 1
            case .rejected:
                if analyzers[i].confirmed {
                    analyzers[i].analyzer.finish(at: time, context: context, output: &output)
                }
                var slot = analyzers.remove(at: i)
                pool.recycle(&slot)
            }
        }
    }

    /// A content gap of `length` bytes in one direction (deferred analyzers are made first).
    func gap(
        length: UInt64, fromOriginator: Bool, at time: NetworkTime, plan: AnalyzerPlan, pool: inout AnalyzerPool,
        output: inout RecordBatch
    ) {
        if deferredAnalyzers != 0 {
            plan.attach(deferredAnalyzers, firstData: nil, fromOriginator: fromOriginator, transport: transport, to: &analyzers, pool: &pool)
            deferredAnalyzers = 0
        }
        for i in analyzers.indices {
            analyzers[i].analyzer.gap(
                length: Int(clamping: length), fromOriginator: fromOriginator, at: time, context: context, output: &output)
        }
    }

    /// One direction's stream ended (its FIN, every byte before it delivered).
    func endOfStream(fromOriginator: Bool, at time: NetworkTime, output: inout RecordBatch) {
        for i in analyzers.indices {
            analyzers[i].analyzer.endOfStream(fromOriginator: fromOriginator, at: time, context: context, output: &output)
        }
    }

    /// The connection ends: every analyzer writes what it still holds.
    func finishAnalyzers(output: inout RecordBatch) {
        for i in analyzers.indices {
            analyzers[i].analyzer.finish(at: lastTime, context: context, output: &output)
        }
    }
}
