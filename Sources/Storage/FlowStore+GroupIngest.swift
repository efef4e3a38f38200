extension FlowStore {
    /// Default group ingest: one ``ingest(_:)`` call (one transaction) per batch, in order.
    public func ingest(contentsOf batches: [IngestBatch]) async -> [Result<IngestResult, any Error>] {
        var results: [Result<IngestResult, any Error>] = []
        results.reserveCapacity(batches.count)
        for batch in batches {
            do {
                results.append(.success(try await ingest(batch)))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }
}
