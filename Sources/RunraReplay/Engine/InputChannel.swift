import Foundation
import RunraEvents

/// Events handed from the reading thread to the engine, a chunk at a time.
struct InputChunk: Sendable {
    var events: [RuntimeEvent]
    var positions: [EventPosition]
    /// For dead-letter records: the exporter each event is for.
    var targets: [String]?
    /// For followed logs: the position just past the chunk's last line, reached once its events are
    /// dispatched (so the checkpoint passes lines that no event came from).
    var end: EventPosition? = nil
}

/// A bounded queue from the (blocking) reading thread to the (async) dispatcher.
///
/// ``put(_:)`` blocks the thread while the queue is full, which is the input's back-pressure.
final class InputChannel: @unchecked Sendable {
    enum Item {
        case chunk(InputChunk)
        /// Nothing arrived, but partial batches may be due (see ``tick()``).
        case tick
    }

    private let condition = NSCondition()
    private var items: [InputChunk] = []
    private var finished = false
    private var closed = false
    private var waiter: CheckedContinuation<Item?, Never>?
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds `chunk`, waiting for room; `false` when the consumer closed the channel. While it waits,
    /// `whileWaiting` runs every `interval` (without the lock).
    func put(_ chunk: InputChunk, whileWaiting: (() -> Void)? = nil, every interval: TimeInterval = 0.2) -> Bool {
        condition.lock()
        while items.count >= capacity && !closed {
            if let whileWaiting {
                if !condition.wait(until: Date(timeIntervalSinceNow: interval)) && items.count >= capacity && !closed {
                    condition.unlock()
                    whileWaiting()
                    condition.lock()
                }
            } else {
                condition.wait()
            }
        }
        if closed {
            condition.unlock()
            return false
        }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: .chunk(chunk))
            return true
        }
        items.append(chunk)
        condition.unlock()
        return true
    }

    /// Whether the consumer closed the channel (the replay was interrupted).
    var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    /// No more input.
    func finish() {
        condition.lock()
        finished = true
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        waiter?.resume(returning: nil)
    }

    /// The consumer stops: drops what is queued and makes ``put(_:)`` return `false`.
    func close() {
        condition.lock()
        closed = true
        items.removeAll()
        condition.broadcast()
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        waiter?.resume(returning: nil)
    }

    /// Wakes a waiting consumer with ``Item/tick``.
    func tick() {
        condition.lock()
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        waiter?.resume(returning: .tick)
    }

    /// The next chunk, a tick, or `nil` at the end.
    func next() async -> Item? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Item?, Never>) in
            condition.lock()
            if !items.isEmpty {
                let chunk = items.removeFirst()
                condition.broadcast()
                condition.unlock()
                continuation.resume(returning: .chunk(chunk))
                return
            }
            if finished || closed {
                condition.unlock()
                continuation.resume(returning: nil)
                return
            }
            waiter = continuation
            condition.unlock()
        }
    }
}
