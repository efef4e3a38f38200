import FleetModel
import PcapWriter

/// What `MixGenerator.run` wrote.
struct MixSummary {
    var packets = 0
    var flows = 0
    var bytes = 0
    var spanSeconds = 0.0
}

/// Interleaves many synthetic flows in timestamp order and streams them out.
///
/// Each flow's frames are built when the flow starts and released when it ends, so
/// memory follows the number of concurrently active flows, not the file size.
struct MixGenerator {
    let packetTarget: Int
    let flowTarget: Int
    let spanMicroseconds: Double
    var random: SplitMix64
    var factory: FlowFactory

    /// Active flows' frames; `nil` slots are free.
    private var slots: [FlowFrames?] = []
    private var freeSlots: [Int] = []
    private var heap = EventHeap()

    init(packets: Int, flows: Int, seed: UInt64, spanSeconds: Double) {
        packetTarget = packets
        flowTarget = flows
        spanMicroseconds = spanSeconds * 1_000_000
        random = SplitMix64(seed: seed)
        // Data volume per flow scales with the requested packets-per-flow ratio (10 is the default mix).
        factory = FlowFactory(scale: max(Double(packets) / Double(flows) / 10, 0.05))
    }

    mutating func run(into sink: FileSink) throws -> MixSummary {
        let base: Int64 = 1_764_000_000_000_000  // 2025-11-24T16:00:00Z
        let meanInterarrival = spanMicroseconds / Double(flowTarget)
        var nextStart = Double(base)
        var writer = PcapWriterFacade()
        var summary = MixSummary()
        var lastTime: Int64 = base
        while summary.packets < packetTarget {
            let startTime = Int64(nextStart)
            if heap.isEmpty || startTime <= heap.peekTime {
                var frames = factory.makeFlow(start: NetworkTime(microseconds: startTime), random: &random)
                frames.sortByTimeIfNeeded()
                summary.flows += 1
                nextStart += random.exponential(mean: meanInterarrival)
                guard let first = frames.frames.first else { continue }
                let slot = allocate(frames)
                heap.push(time: first.time.microseconds, slot: slot)
                continue
            }
            let event = heap.pop()
            guard let flow = slots[event.slot] else { continue }
            let frame = flow.frames[flow.next]
            // Timestamps never go backwards across flows.
            let time = max(frame.time.microseconds, lastTime)
            lastTime = time
            writer.append(TimedFrame(time: NetworkTime(microseconds: time), bytes: frame.bytes))
            summary.packets += 1
            summary.bytes += frame.bytes.count
            let next = flow.next + 1
            if next < flow.frames.count {
                slots[event.slot]?.next = next
                heap.push(time: flow.frames[next].time.microseconds, slot: event.slot)
            } else {
                slots[event.slot] = nil
                freeSlots.append(event.slot)
            }
            if writer.pendingBytes >= 1 << 20 {
                try sink.write(writer.takeBytes())
            }
        }
        try sink.write(writer.takeBytes())
        summary.spanSeconds = Double(lastTime - base) / 1_000_000
        return summary
    }

    private mutating func allocate(_ frames: FlowFrames) -> Int {
        if let slot = freeSlots.popLast() {
            slots[slot] = frames
            return slot
        }
        slots.append(frames)
        return slots.count - 1
    }
}

/// The frames of one flow and the index of the next one to write.
struct FlowFrames {
    var frames: [TimedFrame]
    var next = 0

    init(_ frames: [TimedFrame]) { self.frames = frames }

    /// Flows mixing several conversations (DNS + TCP) may be built out of order.
    mutating func sortByTimeIfNeeded() {
        if zip(frames, frames.dropFirst()).contains(where: { $0.time > $1.time }) {
            frames = frames.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        }
    }
}

/// Min-heap of (time, insertion order) → slot: deterministic tie-breaking.
struct EventHeap {
    struct Event {
        var time: Int64
        var order: UInt64
        var slot: Int
    }

    private var items: [Event] = []
    private var counter: UInt64 = 0

    var isEmpty: Bool { items.isEmpty }
    var peekTime: Int64 { items.first?.time ?? .max }

    private static func less(_ a: Event, _ b: Event) -> Bool {
        a.time != b.time ? a.time < b.time : a.order < b.order
    }

    mutating func push(time: Int64, slot: Int) {
        counter += 1
        items.append(Event(time: time, order: counter, slot: slot))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes the earliest event (caller checks `isEmpty` first).
    mutating func pop() -> Event {
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < items.count, Self.less(items[left], items[smallest]) { smallest = left }
                if right < items.count, Self.less(items[right], items[smallest]) { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
