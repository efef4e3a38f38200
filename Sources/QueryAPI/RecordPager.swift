public import FleetModel
public import Storage

/// Reads a large query result page by page, so a response can be streamed with only one page in
/// memory, using nothing but ``FlowStore``'s ordinary queries (so it works with every backend).
///
/// Time-ordered queries are resumed from the last page's timestamp (keyset paging): the next page
/// asks for `ts >= last` (ascending; `ts <= last` descending) and skips the records at exactly
/// `last` that were already sent, which are the first ones because ties are ordered by ingestion.
/// Duration-sorted conn queries are read in one query (bounded by ``RecordQuery/limit``) and sent
/// in pages.
public struct RecordPager<Record: Sendable & Hashable>: Sendable {
    /// One store query.
    public typealias Fetch = @Sendable (RecordQuery) async throws -> [StoredRecord<Record>]

    private let fetch: Fetch
    private let timestamp: @Sendable (Record) -> NetworkTime
    /// Records asked for per store query.
    public let pageSize: Int

    /// A pager over `fetch`.
    /// - Parameters:
    ///   - pageSize: records per store query (at least 1).
    ///   - timestamp: the record's `ts`.
    public init(pageSize: Int = 5_000, fetch: @escaping Fetch, timestamp: @escaping @Sendable (Record) -> NetworkTime) {
        self.pageSize = max(1, pageSize)
        self.fetch = fetch
        self.timestamp = timestamp
    }

    /// Calls `body` with consecutive non-empty pages whose concatenation is `fetch(query)`.
    public func forEachPage(
        _ query: RecordQuery, _ body: ([StoredRecord<Record>]) async throws -> Void
    ) async throws {
        if query.sort == .durationDescending {
            let all = try await fetch(query)
            var start = 0
            while start < all.count {
                let end = min(all.count, start + pageSize)
                try await body(Array(all[start..<end]))
                start = end
            }
            return
        }
        let ascending = query.sort == .timeAscending
        var remaining = query.limit
        var next = query
        var skip = 0
        var boundary: NetworkTime?
        while remaining > 0 {
            let want = min(remaining, pageSize)
            guard skip + want <= RecordQuery.maximumLimit else { return }
            next.limit = skip + want
            let results = try await fetch(next)
            guard results.count > skip else { return }
            let page = Array(results[skip...])
            try await body(page)
            remaining -= page.count
            guard results.count == next.limit, let last = page.last else { return }
            let lastTime = timestamp(last.record)
            let atLast = page.reversed().prefix { timestamp($0.record) == lastTime }.count
            skip = lastTime == boundary ? skip + page.count : atLast
            boundary = lastTime
            if ascending {
                next.since = lastTime
            } else {
                next.until = NetworkTime(microseconds: lastTime.microseconds &+ 1)
            }
        }
    }
}
