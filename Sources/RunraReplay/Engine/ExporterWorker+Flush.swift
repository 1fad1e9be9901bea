import RunraEvents

/// The worker of an exporter acknowledged at `flush` (``ExportAcknowledgement/onFlush(interval:)``): batches are
/// exported one at a time into a group the exporter holds, and the group is acknowledged when a `flush` returns.
extension ExporterWorker {
    /// The batches exported since the last flush that returned, with their outcomes. Their events are kept to be
    /// exported again after a failure while they total at most ``ReplayOptions/heldGroupBytes``; past that the
    /// group is not replayable and keeps only the counts.
    struct HeldGroup {
        var batches: [ExportBatch] = []
        var counts: [Int] = []
        var outcomes: [ExportOutcome] = []
        /// When the first batch of the group was exported, on the engine's clock.
        var since = Duration.zero
        var bytes = 0
        var replayable = true
        var isEmpty: Bool { batches.isEmpty }

        /// Adds `batch`, forgetting every event of the group once they total more than `limit` bytes.
        mutating func add(_ batch: ExportBatch, limit: Int) {
            counts.append(batch.events.count)
            bytes += batch.events.reduce(0) { $0 + $1.line.count }
            batches.append(batch)
            if replayable && bytes > limit {
                replayable = false
                for index in batches.indices { batches[index].events = [] }
            } else if !replayable {
                batches[batches.count - 1].events = []
            }
        }
    }

    /// Exports every batch the queue hands out, flushing at the latest `interval` after the first batch held, when
    /// an outcome asks, and at the end. Once a group was abandoned (the replay stopped while it was tried again), the
    /// later batches are not sent: the checkpoint stays before the group.
    func exportHeldUntilFlush(interval: Duration) async {
        var group = HeldGroup()
        var abandoning = false
        var number = 0
        while true {
            let wait = group.isEmpty ? nil : max(.zero, group.since + interval - options.clock.now())
            switch await queue.receive(waitingAtMost: wait, clock: options.clock) {
            case .finished:
                abandoning = await flush(&group, abandoning: abandoning, numbering: &number)
                return
            case .timedOut:
                abandoning = await flush(&group, abandoning: abandoning, numbering: &number)
            case .element(let batch):
                guard !abandoning else {
                    completeAbandoned([batch], counts: [batch.events.count], numbering: &number)
                    continue
                }
                if group.isEmpty { group.since = options.clock.now() }
                do {
                    let outcome = try await target.exporter.export(batch.events, origin: engine.origin(of: batch.first))
                    group.add(batch, limit: options.heldGroupBytes)
                    group.outcomes.append(outcome)
                    let pending = group.counts.reduce(0, +)
                    engine.update(index) { $0.pending = pending }
                    if outcome.flushRequested {
                        abandoning = await flush(&group, abandoning: abandoning, numbering: &number)
                    }
                } catch {
                    group.add(batch, limit: options.heldGroupBytes)
                    abandoning = await redeliver(&group, failure: "\(error)", numbering: &number)
                }
            }
        }
    }

    /// Flushes the group and acknowledges it, then writes the checkpoint before anything else is exported; a failed
    /// flush is the group's failure. Returns whether the replay is abandoning.
    private func flush(_ group: inout HeldGroup, abandoning: Bool, numbering number: inout Int) async -> Bool {
        guard !group.isEmpty, !abandoning else { return abandoning }
        do {
            try await target.exporter.flush()
        } catch {
            return await redeliver(&group, failure: "flush: \(error)", numbering: &number)
        }
        acknowledge(&group, retries: 0, numbering: &number)
        return false
    }

    /// The exporter failed the group (a thrown `export` or `flush`: none of it was delivered). Without
    /// ``ReplayOptions/keepsTrying`` it is given up (dead-lettered); with it, it is exported again in order with the
    /// same origins and flushed, after growing pauses, until that succeeds (acknowledged) or the replay stops
    /// (abandoned: returns true). A group too large to keep cannot be exported again: see
    /// ``giveUpUnkept(_:failure:numbering:)``.
    private func redeliver(_ group: inout HeldGroup, failure: String, numbering number: inout Int) async -> Bool {
        guard group.replayable else { return giveUpUnkept(&group, failure: failure, numbering: &number) }
        var failure = failure
        var retries = 0
        guard options.keepsTrying else {
            completeFailed(group, failure: failure, numbering: &number)
            group = HeldGroup()
            return false
        }
        engine.notice("\(target.label): \(failure); trying again until it is delivered (the events wait in the log)")
        var wait = options.firstRetryWait
        while await engine.pause(wait) {
            wait = min(wait * 2, ReplayEngine.longestRetryWait)
            retries += 1
            target.exporter.prepareToRetry()
            do {
                var outcomes: [ExportOutcome] = []
                for batch in group.batches {
                    outcomes.append(
                        try await target.exporter.export(batch.events, origin: engine.origin(of: batch.first))
                    )
                }
                try await target.exporter.flush()
                group.outcomes = outcomes
                engine.notice("\(target.label): delivering again")
                acknowledge(&group, retries: retries, numbering: &number)
                return false
            } catch {
                failure = "\(error)"
            }
        }
        completeAbandoned(group.batches, counts: group.counts, numbering: &number)
        group = HeldGroup()
        return true
    }

    /// A failed group whose events were not kept: given up without dead letters, the checkpoint stays before it
    /// for the rest of the run (so a run with the same checkpoint writes it again); a shipper stops, to be
    /// restarted from there. Returns true with `--follow` (abandoning).
    private func giveUpUnkept(_ group: inout HeldGroup, failure: String, numbering number: inout Int) -> Bool {
        let events = group.counts.reduce(0, +)
        let consequence =
            options.keepsTrying
            ? "stopping, so that a restart writes them" : "run again with the same --checkpoint to write them"
        engine.notice(
            "\(target.label): \(failure); the \(events) events of its files were more than "
                + "\(options.heldGroupBytes >> 20) MiB, "
                + "not kept to be written again or dead-lettered: the checkpoint stays before them; \(consequence)"
        )
        if options.keepsTrying {
            completeAbandoned(group.batches, counts: group.counts, numbering: &number)
            engine.interrupt()
        } else {
            completeFailed(group, failure: failure, numbering: &number)
        }
        group = HeldGroup()
        return options.keepsTrying
    }

    /// Every batch of the group was delivered: complete each in order, then write the checkpoint.
    private func acknowledge(_ group: inout HeldGroup, retries: Int, numbering number: inout Int) {
        engine.update(index) { $0.pending = 0 }
        for index in group.batches.indices {
            var outcome = group.outcomes[index]
            if index == 0 { outcome.retries += retries }
            let result = BatchResult(number: number, outcome: outcome, failure: nil)
            complete(group.batches[index].events, count: group.counts[index], result, initializationError: nil)
            number += 1
        }
        group = HeldGroup()
        engine.checkpointNow()
    }

    private func completeFailed(_ group: HeldGroup, failure: String, numbering number: inout Int) {
        engine.update(index) { $0.pending = 0 }
        for index in group.batches.indices {
            let result = BatchResult(number: number, outcome: nil, failure: failure)
            complete(group.batches[index].events, count: group.counts[index], result, initializationError: nil)
            number += 1
        }
    }

    private func completeAbandoned(_ batches: [ExportBatch], counts: [Int], numbering number: inout Int) {
        engine.update(index) { $0.pending = 0 }
        for (batch, count) in zip(batches, counts) {
            let result = BatchResult(number: number, outcome: nil, failure: nil, abandoned: true)
            complete(batch.events, count: count, result, initializationError: nil)
            number += 1
        }
    }
}
