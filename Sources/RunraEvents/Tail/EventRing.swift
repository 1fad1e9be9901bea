/// The last `capacity` events appended, for reading a stream that cannot be read backwards.
struct EventRing {
    let capacity: Int
    private var storage: [RuntimeEvent] = []
    private var next = 0

    /// An empty ring that keeps at most `capacity` events.
    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    var count: Int { storage.count }

    /// Appends an owned copy of `event`, dropping the oldest when full.
    mutating func append(_ event: EventLine) {
        guard capacity > 0 else { return }
        if storage.count < capacity {
            storage.append(event.makeEvent())
        } else {
            storage[next] = event.makeEvent()
            next = (next + 1) % capacity
        }
    }

    /// The events, oldest first.
    var elements: [RuntimeEvent] {
        Array(storage[next...] + storage[..<next])
    }
}
