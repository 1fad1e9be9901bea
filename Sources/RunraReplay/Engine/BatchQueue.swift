import Foundation

/// A bounded single-producer, single-consumer async queue: the batches waiting for one exporter.
///
/// ``send(_:)`` waits while the queue is full, so a slow exporter slows reading instead of growing memory.
final class BatchQueue<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []
    private var finished = false
    private var receiver: CheckedContinuation<Element?, Never>?
    private var sender: CheckedContinuation<Void, Never>?
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    private enum Step {
        case handed(CheckedContinuation<Element?, Never>), queued, full
    }

    /// Adds `element`, waiting while the queue is full.
    func send(_ element: Element) async {
        while true {
            let step: Step = lock.withLock {
                if let receiver {
                    self.receiver = nil
                    return .handed(receiver)
                }
                if items.count < capacity {
                    items.append(element)
                    return .queued
                }
                return .full
            }
            switch step {
            case .handed(let receiver):
                receiver.resume(returning: element)
                return
            case .queued:
                return
            case .full:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    lock.lock()
                    if items.count < capacity || receiver != nil {
                        lock.unlock()
                        continuation.resume()
                    } else {
                        sender = continuation
                        lock.unlock()
                    }
                }
            }
        }
    }

    /// No more elements; the receiver gets the queued ones, then `nil`.
    func finish() {
        lock.lock()
        finished = true
        let receiver = self.receiver
        self.receiver = nil
        lock.unlock()
        receiver?.resume(returning: nil)
    }

    /// The next element, or `nil` after ``finish()``.
    func receive() async -> Element? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
            lock.lock()
            if !items.isEmpty {
                let element = items.removeFirst()
                let sender = self.sender
                self.sender = nil
                lock.unlock()
                sender?.resume()
                continuation.resume(returning: element)
                return
            }
            if finished {
                lock.unlock()
                continuation.resume(returning: nil)
                return
            }
            receiver = continuation
            let sender = self.sender
            self.sender = nil
            lock.unlock()
            sender?.resume()
        }
    }
}
