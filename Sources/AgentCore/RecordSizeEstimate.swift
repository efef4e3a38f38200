public import FleetModel

/// A cheap, deterministic estimate of how many bytes records take once encoded (before
/// compression), so batches can be bounded by size without encoding them twice.
///
/// Fixed costs per record plus the UTF-8 length of its free-form strings. Never exact; errs on
/// the large side.
public enum RecordSizeEstimate {
    /// Estimated encoded size of every record in `batch`.
    public static func bytes(of batch: RecordBatch) -> Int {
        var total = 0
        for record in batch.conns { total &+= bytes(of: record) }
        for record in batch.dns {
            total &+= 96 &+ record.uid.utf8.count &+ (record.query?.utf8.count ?? 0)
            for answer in record.answers { total &+= 8 &+ answer.utf8.count }
        }
        for record in batch.http {
            total &+= 128 &+ record.uid.utf8.count
            for text in [record.method, record.host, record.uri, record.referrer, record.version, record.userAgent,
                         record.origin, record.statusMessage, record.infoMessage, record.username, record.uriRaw] {
                total &+= text?.utf8.count ?? 0
            }
            for tag in record.tags { total &+= 2 &+ tag.utf8.count }
            for proxy in record.proxied { total &+= 2 &+ proxy.utf8.count }
        }
        for record in batch.ssl {
            total &+= 96 &+ record.uid.utf8.count
            for text in [record.version, record.cipher, record.curve, record.serverName, record.lastAlert,
                         record.nextProtocol, record.sslHistory] {
                total &+= text?.utf8.count ?? 0
            }
        }
        for record in batch.weirds {
            total &+= 80 &+ (record.uid?.utf8.count ?? 0) &+ record.name.utf8.count &+ (record.addl?.utf8.count ?? 0)
                &+ record.peer.utf8.count &+ (record.source?.utf8.count ?? 0)
        }
        return total
    }

    /// Estimated encoded size of one conn record.
    public static func bytes(of record: ConnRecord) -> Int {
        var total = 128 &+ record.uid.utf8.count &+ record.history.utf8.count
        for service in record.service { total &+= 2 &+ service.utf8.count }
        for parent in record.tunnelParents { total &+= 2 &+ parent.utf8.count }
        return total
    }
}
