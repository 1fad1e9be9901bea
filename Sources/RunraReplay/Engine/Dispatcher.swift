import Foundation
import RunraEvents

/// Routes events to the exporters' batches, paces them, and cuts batches by size and age.
struct Dispatcher {
    let engine: ReplayEngine
    let queues: [BatchQueue<ExportBatch>]
    let tracker: CommitTracker
    let clock: any ReplayClock
    let dryRun: Bool
    let passesEverything: [Bool]
    let labels: [String: Int]
    var pending: [[RuntimeEvent]]
    var pendingSince: [Duration]
    /// The position of each pending batch's first event.
    var pendingFirst: [EventPosition]
    var filteredOut: [Int]
    var wouldSend: [Int]
    var unrouted = 0
    var previous: EventPosition
    var firstTimestamp: Timestamp?
    var paceStart = Duration.zero

    init(engine: ReplayEngine, queues: [BatchQueue<ExportBatch>], tracker: CommitTracker, start: EventPosition) {
        self.engine = engine
        self.queues = queues
        self.tracker = tracker
        self.clock = engine.options.clock
        self.dryRun = engine.options.dryRun
        let targets = engine.targets
        passesEverything = targets.map(\.filter.passesEverything)
        var labels: [String: Int] = [:]
        for (index, target) in targets.enumerated() { labels[target.label] = index }
        self.labels = labels
        pending = targets.map { _ in [] }
        pendingSince = targets.map { _ in .zero }
        pendingFirst = targets.map { _ in start }
        filteredOut = targets.map { _ in 0 }
        wouldSend = targets.map { _ in 0 }
        previous = start
    }

    /// Dispatches every chunk `channel` hands out until it ends or the replay is interrupted, then cuts the partial
    /// batches (the workers' queues are finished by the engine).
    mutating func run(_ channel: InputChannel) async {
        let pacing: Double? = {
            if case .realtime(let factor) = engine.options.speed, !dryRun { return factor }
            return nil
        }()
        while true {
            await waitWhileTheCheckpointHoldsReading()
            guard let item = await channel.next() else { break }
            guard case .chunk(let chunk) = item else {
                await cutDue()
                continue
            }
            let count = await route(chunk, pacing: pacing)
            if let end = chunk.end, count == chunk.events.count { previous = end }
            tracker.dispatched(through: previous)
            engine.dispatched(count, dryRunCounts: dryRun ? (wouldSend: wouldSend, filteredOut: filteredOut) : nil)
            if engine.isInterrupted { break }
            await cutDue()
        }
        for index in pending.indices where !pending[index].isEmpty { await cut(index) }
    }

    /// Adds each of the chunk's events to the batches of the exporters it goes to (a dead-letter record to the one
    /// it names, other events to those whose filter it passes); returns how many it dispatched before an
    /// interruption stopped pacing.
    private mutating func route(_ chunk: InputChunk, pacing: Double?) async -> Int {
        let targets = engine.targets
        var count = 0
        for position in chunk.events.indices {
            let event = chunk.events[position]
            if let pacing {
                if engine.isInterrupted { break }
                await pace(event, factor: pacing)
            }
            if let chunkTargets = chunk.targets {
                if let index = targets.count == 1 ? 0 : labels[chunkTargets[position]] {
                    await add(event, at: chunk.positions[position], to: index)
                } else {
                    unrouted += 1
                }
            } else {
                for index in targets.indices {
                    if passesEverything[index] || targets[index].filter.matches(event) {
                        await add(event, at: chunk.positions[position], to: index)
                    } else {
                        filteredOut[index] += 1
                    }
                }
            }
            previous = chunk.positions[position]
            count += 1
        }
        return count
    }

    /// Reads no further while the checkpoint has failed for too many events (`--follow`), sending what is due.
    mutating func waitWhileTheCheckpointHoldsReading() async {
        while engine.checkpointHoldsReading() && !engine.isInterrupted {
            try? await Task.sleep(for: .milliseconds(50))
            await cutDue()
        }
    }

    @inline(__always)
    mutating func add(_ event: RuntimeEvent, at position: EventPosition, to index: Int) async {
        if dryRun {
            wouldSend[index] += 1
            return
        }
        if pending[index].isEmpty {
            tracker.openBatch(index, before: previous)
            pendingSince[index] = clock.now()
            pendingFirst[index] = position
            pending[index].reserveCapacity(min(engine.targets[index].batchSize, 8192))
        }
        pending[index].append(event)
        if pending[index].count >= engine.targets[index].batchSize { await cut(index) }
    }

    mutating func cut(_ index: Int) async {
        // Everything through `previous` is fully routed: the checkpoint may pass it while this waits.
        tracker.dispatched(through: previous)
        let batch = pending[index]
        pending[index] = []
        await queues[index].send(ExportBatch(events: batch, first: pendingFirst[index]))
    }

    mutating func cutDue() async {
        guard !dryRun else { return }
        let now = clock.now()
        for index in pending.indices
        where !pending[index].isEmpty && now - pendingSince[index] >= engine.targets[index].flushInterval {
            await cut(index)
        }
    }

    /// Waits until `event` is due: its offset from the first event's timestamp, divided by `factor`.
    mutating func pace(_ event: RuntimeEvent, factor: Double) async {
        guard let timestamp = event.timestamp else { return }
        guard let first = firstTimestamp else {
            firstTimestamp = timestamp
            paceStart = clock.now()
            return
        }
        let offset = Double(timestamp.nanosecondsSinceEpoch - first.nanosecondsSinceEpoch) / factor
        guard offset > 0 else { return }
        let due = paceStart + .nanoseconds(Int64(min(offset, 9e18)))
        while !engine.isInterrupted {
            let now = clock.now()
            if now >= due { break }
            var wake = min(due, now + .milliseconds(100))
            for index in pending.indices where !pending[index].isEmpty {
                wake = min(wake, max(now, pendingSince[index] + engine.targets[index].flushInterval))
            }
            if wake > now { try? await clock.sleep(for: wake - now) }
            await cutDue()
        }
    }
}
