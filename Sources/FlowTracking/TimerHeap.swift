/// A min-heap of connection deadlines in packet time.
///
/// Entries are hints: when one fires the tracker re-evaluates the connection
/// and pushes a new entry if the real deadline moved.
struct TimerHeap: Sendable {
    struct Entry: Sendable {
        var time: Int64
        var slot: Int32
        var generation: UInt32
    }

    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    var first: Entry? { entries.first }

    /// The earliest entry's time (`Int64.max` when empty).
    var earliest: Int64 { entries.first?.time ?? .max }

    /// Adds an entry. The new entry moves up through a hole (parents shift down one level)
    /// instead of being swapped at every level.
    mutating func push(_ entry: Entry) {
        entries.append(entry)
        entries.withUnsafeMutableBufferPointer { heap in
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                if heap[parent].time <= entry.time { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = entry
        }
    }

    /// Removes and returns the earliest entry; the last entry sinks from the root through a hole.
    mutating func popFirst() -> Entry? {
        guard let top = entries.first else { return nil }
        let last = entries.removeLast()
        guard !entries.isEmpty else { return top }
        entries.withUnsafeMutableBufferPointer { heap in
            let count = heap.count
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < count else { break }
                let right = left + 1
                let smaller = right < count && heap[right].time < heap[left].time ? right : left
                if heap[smaller].time >= last.time { break }
                heap[parent] = heap[smaller]
                parent = smaller
            }
            heap[parent] = last
        }
        return top
    }

    mutating func removeAll() { entries.removeAll() }
}
