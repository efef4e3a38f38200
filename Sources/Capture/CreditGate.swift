import Foundation

/// Bounds how many batches wait between the capture thread and its consumer.
///
/// The producer takes a credit per batch (`acquire` blocks, `tryAcquire` does not); the consumer
/// gives it back when it receives the batch. `cancel()` wakes a blocked producer for good.
///
/// `@unchecked Sendable`: every stored property is guarded by `condition`.
final class CreditGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var credits: Int
    private var cancelled = false

    init(credits: Int) {
        self.credits = max(1, credits)
    }

    /// Waits for a credit; false when the gate was cancelled.
    func acquire() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while credits == 0 && !cancelled {
            condition.wait()
        }
        guard !cancelled else { return false }
        credits -= 1
        return true
    }

    /// Takes a credit when one is free, without waiting.
    func tryAcquire() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !cancelled, credits > 0 else { return false }
        credits -= 1
        return true
    }

    func release() {
        condition.lock()
        credits += 1
        condition.signal()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
