/// Waiting in tests for something another task or process does.
public enum Polling {
    /// Polls `condition` every `interval` until it holds or `timeout` passes; returns whether it held.
    /// - Throws: `CancellationError` when the test's task is cancelled, or `condition`'s error.
    public static func eventually(
        timeout: Duration = .seconds(10), interval: Duration = .milliseconds(10), _ condition: () async throws -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: interval)
        }
        return try await condition()
    }
}
