import Foundation
import RunraEvents

/// Knows the position up to which every exporter has acknowledged every event it was given: the checkpoint.
///
/// For each exporter, a FIFO of the batches not yet acknowledged (the partial one included), each with the position
/// of the last event dispatched before its first event. An exporter with nothing open has everything dispatched.
final class CommitTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var open: [[EventPosition]]
    private var heads: [Int]
    private var lastDispatched: EventPosition
    /// Exporters whose acknowledgements no longer count (their dead letters could not be written).
    private var stalled: [EventPosition?]

    init(exporters: Int, start: EventPosition) {
        open = Array(repeating: [], count: exporters)
        heads = Array(repeating: 0, count: exporters)
        lastDispatched = start
        stalled = Array(repeating: nil, count: exporters)
    }

    /// Exporter `index` got the first event of a new batch; `before` is the last event dispatched before it.
    func openBatch(_ index: Int, before: EventPosition) {
        lock.lock()
        open[index].append(before)
        lock.unlock()
    }

    /// Exporter `index` acknowledged its oldest open batch. With `stall`, the checkpoint stays before that batch
    /// for the rest of the run (its events were neither delivered nor dead-lettered).
    func acknowledge(_ index: Int, stall: Bool = false) {
        lock.lock()
        if stall && stalled[index] == nil && heads[index] < open[index].count {
            stalled[index] = open[index][heads[index]]
        }
        heads[index] += 1
        if heads[index] > 32 {
            open[index].removeFirst(heads[index])
            heads[index] = 0
        }
        lock.unlock()
    }

    /// Every event up to `position` was dispatched (or filtered out).
    func dispatched(through position: EventPosition) {
        lock.lock()
        if position > lastDispatched { lastDispatched = position }
        lock.unlock()
    }

    /// The position through which everything is acknowledged.
    var committed: EventPosition {
        lock.lock()
        defer { lock.unlock() }
        var result = lastDispatched
        for index in open.indices where heads[index] < open[index].count {
            result = min(result, open[index][heads[index]])
        }
        for case let position? in stalled { result = min(result, position) }
        return result
    }
}
