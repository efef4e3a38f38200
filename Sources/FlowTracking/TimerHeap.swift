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

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if entries[parent].time <= entries[child].time { break }
            entries.swapAt(parent, child)
            child = parent
        }
    }

    mutating func popFirst() -> Entry? {
        guard let top = entries.first else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            let count = entries.count
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < count && entries[left].time < entries[smallest].time { smallest = left }
                if right < count && entries[right].time < entries[smallest].time { smallest = right }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }

    mutating func removeAll() { entries.removeAll() }
}
