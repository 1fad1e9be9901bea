import Foundation

/// A bounded single-producer, single-consumer async queue: the batches waiting for one exporter.
///
/// ``send(_:)`` waits while the queue is full, so a slow exporter slows reading instead of growing memory.
final class BatchQueue<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []
    private var finished = false
    private var receiver: CheckedContinuation<Received, Never>?
    /// Tells a timed-out wait from the receiver waiting now.
    private var receiverGeneration = 0
    /// Ends the receiver's wait when it times out; cancelled when an element or the end comes first.
    private var timer: Task<Void, Never>?
    private var sender: CheckedContinuation<Void, Never>?
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    private enum Step {
        case handed(CheckedContinuation<Received, Never>)
        case queued, full
    }

    /// What ``receive(waitingAtMost:clock:)`` got.
    enum Received {
        case element(Element)
        case finished
        case timedOut
    }

    /// Adds `element`, waiting while the queue is full.
    func send(_ element: Element) async {
        while true {
            let step: Step = lock.withLock {
                if let receiver {
                    self.receiver = nil
                    timer?.cancel()
                    timer = nil
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
                receiver.resume(returning: .element(element))
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
        timer?.cancel()
        timer = nil
        lock.unlock()
        receiver?.resume(returning: .finished)
    }

    /// The next element, or `nil` after ``finish()``.
    func receive() async -> Element? {
        if case .element(let element) = await receive(waitingAtMost: nil, clock: SystemReplayClock()) {
            return element
        }
        return nil
    }

    /// The next element, ``Received/finished`` after ``finish()``, or ``Received/timedOut`` when none came within
    /// `timeout` (`nil`: wait as long as it takes).
    func receive(waitingAtMost timeout: Duration?, clock: any ReplayClock) async -> Received {
        await withCheckedContinuation { (continuation: CheckedContinuation<Received, Never>) in
            lock.lock()
            if !items.isEmpty {
                let element = items.removeFirst()
                let sender = self.sender
                self.sender = nil
                lock.unlock()
                sender?.resume()
                continuation.resume(returning: .element(element))
                return
            }
            if finished {
                lock.unlock()
                continuation.resume(returning: .finished)
                return
            }
            receiver = continuation
            receiverGeneration += 1
            let generation = receiverGeneration
            if let timeout {
                timer = Task { [self] in
                    do { try await clock.sleep(for: timeout) } catch { return }
                    self.timeOut(generation)
                }
            }
            let sender = self.sender
            self.sender = nil
            lock.unlock()
            sender?.resume()
        }
    }

    /// Wakes the receiver waiting as `generation` with ``Received/timedOut``, if it still waits.
    private func timeOut(_ generation: Int) {
        lock.lock()
        guard let receiver, receiverGeneration == generation else {
            lock.unlock()
            return
        }
        self.receiver = nil
        timer = nil
        lock.unlock()
        receiver.resume(returning: .timedOut)
    }
}
