import RunraEvents

/// The worker of an exporter acknowledged at `flush` (``ExportAcknowledgement/onFlush(interval:)``): batches are
/// exported one at a time into a group the exporter holds, and the group is acknowledged when a `flush` returns.
extension ExporterWorker {
    /// The batches exported since the last flush that returned, with their outcomes.
    struct HeldGroup {
        var batches: [ExportBatch] = []
        var outcomes: [ExportOutcome] = []
        /// When the first batch of the group was exported, on the engine's clock.
        var since = Duration.zero
        var isEmpty: Bool { batches.isEmpty }
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
                    completeAbandoned([batch], numbering: &number)
                    continue
                }
                if group.isEmpty { group.since = options.clock.now() }
                do {
                    let outcome = try await target.exporter.export(batch.events, origin: engine.origin(of: batch.first))
                    group.batches.append(batch)
                    group.outcomes.append(outcome)
                    if outcome.flushRequested {
                        abandoning = await flush(&group, abandoning: abandoning, numbering: &number)
                    }
                } catch {
                    group.batches.append(batch)
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
    /// (abandoned: returns true).
    private func redeliver(_ group: inout HeldGroup, failure: String, numbering number: inout Int) async -> Bool {
        var failure = failure
        var retries = 0
        guard options.keepsTrying else {
            completeFailed(group.batches, failure: failure, retries: retries, numbering: &number)
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
                        try await target.exporter.export(batch.events, origin: engine.origin(of: batch.first)))
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
        completeAbandoned(group.batches, numbering: &number)
        group = HeldGroup()
        return true
    }

    /// Every batch of the group was delivered: complete each in order, then write the checkpoint.
    private func acknowledge(_ group: inout HeldGroup, retries: Int, numbering number: inout Int) {
        for (index, (batch, outcome)) in zip(group.batches, group.outcomes).enumerated() {
            var outcome = outcome
            if index == 0 { outcome.retries += retries }
            complete(batch.events, BatchResult(number: number, outcome: outcome, failure: nil), initializationError: nil)
            number += 1
        }
        group = HeldGroup()
        engine.checkpointNow()
    }

    private func completeFailed(_ batches: [ExportBatch], failure: String, retries: Int, numbering number: inout Int) {
        for (index, batch) in batches.enumerated() {
            let result = BatchResult(number: number, outcome: nil, failure: failure, retries: index == 0 ? retries : 0)
            complete(batch.events, result, initializationError: nil)
            number += 1
        }
    }

    private func completeAbandoned(_ batches: [ExportBatch], numbering number: inout Int) {
        for batch in batches {
            complete(batch.events, BatchResult(number: number, outcome: nil, failure: nil, abandoned: true), initializationError: nil)
            number += 1
        }
    }
}
