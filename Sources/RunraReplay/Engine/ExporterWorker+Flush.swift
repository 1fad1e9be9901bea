import RunraEvents

/// The worker of an exporter acknowledged at `flush` (``ExportAcknowledgement/onFlush(interval:)``): batches are
/// exported one at a time into a group the exporter holds, and the group is acknowledged when a `flush` returns.
extension ExporterWorker {
    /// The batches exported since the last flush that returned. Their events are kept to be exported again after a
    /// failure while they total at most ``ReplayOptions/heldGroupBytes``; past that the group is not replayable and
    /// keeps only the counts.
    struct HeldGroup {
        struct Entry {
            var batch: ExportBatch
            var count: Int
            /// Computed once: exporting the batch again uses the same origin by construction.
            var origin: BatchOrigin
            var outcome = ExportOutcome()
        }

        var entries: [Entry] = []
        /// When the first batch of the group was exported, on the engine's clock.
        var since = Duration.zero
        var events = 0
        var bytes = 0
        var replayable = true
        var isEmpty: Bool { entries.isEmpty }

        /// Adds `batch`, forgetting every event of the group once they total more than `limit` bytes.
        mutating func add(_ batch: ExportBatch, origin: BatchOrigin, outcome: ExportOutcome?, limit: Int) {
            entries.append(Entry(batch: batch, count: batch.events.count, origin: origin, outcome: outcome ?? .init()))
            events += batch.events.count
            bytes += batch.events.reduce(0) { $0 + $1.line.count }
            if replayable && bytes > limit { replayable = false }
            if !replayable {
                for index in entries.indices where !entries[index].batch.events.isEmpty {
                    entries[index].batch.events = []
                }
            }
        }
    }

    /// Exports every batch the queue hands out, flushing at the latest `interval` after the first batch held, when
    /// an outcome asks, and at the end. Once a group was abandoned (the replay stopped while it was tried again), the
    /// later batches are not sent: the checkpoint stays before the group.
    func exportHeldUntilFlush(interval: Duration) async {
        var group = HeldGroup()
        var abandoning = false
        while true {
            let wait = group.isEmpty ? nil : max(.zero, group.since + interval - options.clock.now())
            switch await queue.receive(waitingAtMost: wait, clock: options.clock) {
            case .finished:
                if !abandoning { await flush(&group, abandoning: &abandoning) }
                return
            case .timedOut:
                if !abandoning { await flush(&group, abandoning: &abandoning) }
            case .element(let batch):
                guard !abandoning else {
                    completeAbandoned([.init(batch: batch, count: batch.events.count, origin: BatchOrigin(key: ""))])
                    continue
                }
                if group.isEmpty { group.since = options.clock.now() }
                let origin = engine.origin(of: batch.first)
                do {
                    let outcome = try await target.exporter.export(batch.events, origin: origin)
                    group.add(batch, origin: origin, outcome: outcome, limit: options.heldGroupBytes)
                    let pending = group.events
                    engine.update(index) { $0.pending = pending }
                    if outcome.flushRequested { await flush(&group, abandoning: &abandoning) }
                } catch {
                    group.add(batch, origin: origin, outcome: nil, limit: options.heldGroupBytes)
                    await redeliver(
                        &group,
                        failure: "\(error)",
                        retries: ExportFailure.retries(of: error),
                        abandoning: &abandoning
                    )
                }
            }
        }
    }

    /// Flushes the group and acknowledges it, then writes the checkpoint before anything else is exported; a failed
    /// flush is the group's failure.
    private func flush(_ group: inout HeldGroup, abandoning: inout Bool) async {
        guard !group.isEmpty else { return }
        do {
            try await target.exporter.flush()
        } catch {
            return await redeliver(
                &group,
                failure: "flush: \(error)",
                retries: ExportFailure.retries(of: error),
                abandoning: &abandoning
            )
        }
        acknowledge(&group, retries: 0)
    }

    /// The exporter failed the group (a thrown `export` or `flush`: none of it was delivered). Without
    /// ``ReplayOptions/keepsTrying`` it is given up (dead-lettered); with it, it is exported again in order with the
    /// same origins and flushed, after growing pauses, until that succeeds (acknowledged) or the replay stops
    /// (abandoned). A group too large to keep cannot be exported again: see ``giveUpUnkept(_:failure:)``.
    /// `retries`: requests the exporter sent again before it threw (``ExportFailure``), counted as `export`'s are.
    private func redeliver(_ group: inout HeldGroup, failure: String, retries: Int, abandoning: inout Bool) async {
        guard group.replayable else {
            abandoning = giveUpUnkept(&group, failure: failure)
            return
        }
        var retries = retries
        guard options.keepsTrying else {
            completeFailed(group, failure: failure, retries: retries)
            group = HeldGroup()
            return
        }
        engine.notice("\(target.label): \(failure); trying again until it is delivered (the events wait in the log)")
        var wait = options.firstRetryWait
        while await engine.pause(wait) {
            wait = min(wait * 2, ReplayEngine.longestRetryWait)
            retries += 1
            target.exporter.prepareToRetry()
            do {
                for index in group.entries.indices {
                    let entry = group.entries[index]
                    group.entries[index].outcome = try await target.exporter.export(
                        entry.batch.events,
                        origin: entry.origin
                    )
                }
                try await target.exporter.flush()
                engine.notice("\(target.label): delivering again")
                acknowledge(&group, retries: retries)
                return
            } catch {
                retries += ExportFailure.retries(of: error)
            }
        }
        completeAbandoned(group.entries)
        group = HeldGroup()
        abandoning = true
    }

    /// A failed group whose events were not kept: given up without dead letters, the checkpoint stays before it
    /// for the rest of the run (so a run with the same checkpoint writes it again); a shipper stops, to be
    /// restarted from there. Returns true with `--follow` (abandoning).
    private func giveUpUnkept(_ group: inout HeldGroup, failure: String) -> Bool {
        let consequence =
            options.keepsTrying
            ? "stopping, so that a restart writes them" : "run again with the same --checkpoint to write them"
        engine.notice(
            "\(target.label): \(failure); the \(group.events) events of its files were more than "
                + "\(options.heldGroupBytes >> 20) MiB, "
                + "not kept to be written again or dead-lettered: the checkpoint stays before them; \(consequence)"
        )
        if options.keepsTrying {
            completeAbandoned(group.entries)
            engine.interrupt()
        } else {
            completeFailed(group, failure: failure, retries: 0)
        }
        group = HeldGroup()
        return options.keepsTrying
    }

    /// Every batch of the group was delivered: complete each in order, then write the checkpoint.
    private func acknowledge(_ group: inout HeldGroup, retries: Int) {
        engine.update(index) { $0.pending = 0 }
        for (position, entry) in group.entries.enumerated() {
            var outcome = entry.outcome
            if position == 0 { outcome.retries += retries }
            complete(entry, BatchResult(number: 0, outcome: outcome, failure: nil))
        }
        group = HeldGroup()
        engine.checkpointNow()
    }

    private func completeFailed(_ group: HeldGroup, failure: String, retries: Int) {
        engine.update(index) { $0.pending = 0 }
        for (position, entry) in group.entries.enumerated() {
            let result = BatchResult(number: 0, outcome: nil, failure: failure, retries: position == 0 ? retries : 0)
            complete(entry, result)
        }
    }

    private func completeAbandoned(_ entries: [HeldGroup.Entry]) {
        engine.update(index) { $0.pending = 0 }
        for entry in entries { complete(entry, BatchResult(number: 0, outcome: nil, failure: nil, abandoned: true)) }
    }

    /// ``complete(_:count:_:initializationError:)`` for a held batch (whose events may have been forgotten).
    private func complete(_ entry: HeldGroup.Entry, _ result: BatchResult) {
        complete(entry.batch.events, count: entry.count, result, initializationError: nil)
    }
}
