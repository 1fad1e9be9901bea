import Foundation
import RunraEvents

/// One exporter's side of a replay: the batches queued for it, their exports (up to
/// ``EventExporter/maximumConcurrentExports`` at once, sent again with ``ReplayOptions/keepsTrying``), and the
/// completion of each batch in the order it was cut: dead letters, the acknowledgement the checkpoint waits for,
/// the summary.
struct ExporterWorker: Sendable {
    let index: Int
    let target: ReplayTarget
    let queue: BatchQueue<ExportBatch>
    let tracker: CommitTracker
    let deadLetters: DeadLetterWriter?
    /// When the replay started, on the engine's clock (for the summary's seconds).
    let started: Duration
    /// Its summary, notices, interruption and options.
    let engine: ReplayEngine

    var options: ReplayOptions { engine.options }

    /// Exports every batch the queue hands out until it is finished, then flushes and disposes of the exporter.
    /// `initializationError`: why `initialize` failed, if it did.
    func run(initializationError: String?) async {
        let initializationError = await start(after: initializationError)
        await exportAll(initializationError: initializationError)
        if initializationError == nil {
            do {
                try await target.exporter.flush()
            } catch {
                engine.update(index) { $0.failures.append("flush: \(error)") }
            }
        }
        await target.exporter.dispose()
        let now = options.clock.now()
        engine.update(index) { $0.seconds = max($0.seconds, (now - started).seconds) }
    }

    /// A shipper outlives a sink that is not up yet: with ``ReplayOptions/keepsTrying`` it initializes again until
    /// it can (its batches wait, and reading with them) or the replay is interrupted. Returns the error that remains.
    private func start(after initializationError: String?) async -> String? {
        guard options.keepsTrying, let error = initializationError else { return initializationError }
        engine.notice(
            "\(target.label): cannot start: \(error); trying again until it can (the events wait in the log)"
        )
        var wait = options.firstRetryWait
        while await engine.pause(wait) {
            wait = min(wait * 2, ReplayEngine.longestRetryWait)
            do {
                try await target.exporter.initialize(configuration: target.configuration)
                engine.update(index) { $0.failures.removeAll { $0.hasPrefix("initialize: ") } }
                engine.notice("\(target.label): started")
                return nil
            } catch {}
        }
        return initializationError
    }

    /// Up to `concurrency` exports run at once; their results are taken in batch order, so dead letters,
    /// acknowledgements (the checkpoint) and the summary see the batches in the order they were cut.
    private func exportAll(initializationError: String?) async {
        if initializationError == nil, case .onFlush(let interval) = target.exporter.acknowledgement {
            await exportHeldUntilFlush(interval: interval)
            return
        }
        let concurrency = initializationError == nil ? max(1, target.exporter.maximumConcurrentExports) : 1
        await withTaskGroup(of: BatchResult.self) { running in
            var inOrder = InOrder()
            while let batch = await queue.receive() {
                while inOrder.inFlight >= concurrency {
                    guard let result = await running.next() else { break }
                    take(result, into: &inOrder, initializationError: initializationError)
                }
                let number = inOrder.launch(batch.events)
                if inOrder.abandoning {
                    let result = BatchResult(number: number, outcome: nil, failure: nil, abandoned: true)
                    take(result, into: &inOrder, initializationError: initializationError)
                } else if concurrency == 1 {
                    // One at a time: no child task (and no hand-off between threads) per batch.
                    let result = await export(batch, number: number, initializationError: initializationError)
                    take(result, into: &inOrder, initializationError: initializationError)
                } else {
                    running.addTask {
                        await self.export(batch, number: number, initializationError: initializationError)
                    }
                }
            }
            while let result = await running.next() {
                take(result, into: &inOrder, initializationError: initializationError)
            }
        }
    }

    private func take(_ result: BatchResult, into inOrder: inout InOrder, initializationError: String?) {
        for (batch, ready) in inOrder.finish(result) {
            complete(batch, ready, initializationError: initializationError)
        }
    }

    /// The batches launched and not yet completed, and the results that arrived before an earlier batch's.
    private struct InOrder {
        private var launched = 0
        private var batches: [Int: [RuntimeEvent]] = [:]
        private var finished: [Int: BatchResult] = [:]
        private var nextToComplete = 0
        /// Once a batch was abandoned (the replay stops while it is tried again), the later ones are not sent:
        /// the checkpoint stays before the abandoned one, so the next run sends them all, and sending them now
        /// would deliver them twice.
        private(set) var abandoning = false

        var inFlight: Int { batches.count }

        /// Numbers `batch`.
        mutating func launch(_ batch: [RuntimeEvent]) -> Int {
            let number = launched
            launched += 1
            batches[number] = batch
            return number
        }

        /// Takes `result`; returns the batches now complete in order, with their results.
        mutating func finish(_ result: BatchResult) -> [([RuntimeEvent], BatchResult)] {
            if result.abandoned { abandoning = true }
            finished[result.number] = result
            var ready: [([RuntimeEvent], BatchResult)] = []
            while let next = finished.removeValue(forKey: nextToComplete) {
                ready.append((batches.removeValue(forKey: nextToComplete) ?? [], next))
                nextToComplete += 1
            }
            return ready
        }
    }

    /// What exporting the batch numbered `number` gave: an outcome, or why it failed.
    struct BatchResult: Sendable {
        var number: Int
        var outcome: ExportOutcome?
        var failure: String?
        /// Not delivered because the replay stopped while it was being tried again: it is sent on the next run.
        var abandoned = false
        /// Without an outcome: the requests sent again before the exporter gave up (``ExportFailure``).
        var retries = 0
    }

    /// Exports one batch; a failure to initialize or a thrown error becomes the result's `failure` (an
    /// ``ExportFailure``'s retries are counted, the engine's own sending again too). With
    /// ``ReplayOptions/keepsTrying``, a batch the exporter gave up on is sent again after a pause, until it is
    /// delivered or the replay is interrupted (then it is ``BatchResult/abandoned``: not dead-lettered, and the
    /// checkpoint stays before it).
    private func export(_ batch: ExportBatch, number: Int, initializationError: String?) async -> BatchResult {
        if let initializationError {
            return BatchResult(
                number: number,
                outcome: nil,
                failure: "the exporter failed to initialize: \(initializationError)",
                abandoned: options.keepsTrying
            )
        }
        var wait = options.firstRetryWait
        var retries = 0
        var announced = false
        var failure: String
        while true {
            do {
                var outcome = try await target.exporter.export(batch.events, origin: engine.origin(of: batch.first))
                outcome.retries += retries
                if retries > 0 { engine.notice("\(target.label): delivering again") }
                return BatchResult(number: number, outcome: outcome, failure: nil)
            } catch {
                failure = "\(error)"
                retries += ExportFailure.retries(of: error)
            }
            guard options.keepsTrying else {
                return BatchResult(number: number, outcome: nil, failure: failure, retries: retries)
            }
            if !announced {
                announced = true
                engine.notice(
                    "\(target.label): \(failure); trying again until it is delivered (the events wait in the log)"
                )
            }
            guard await engine.pause(wait) else {
                return BatchResult(number: number, outcome: nil, failure: failure, abandoned: true, retries: retries)
            }
            wait = min(wait * 2, ReplayEngine.longestRetryWait)
            retries += 1
            target.exporter.prepareToRetry()
        }
    }

    /// Takes the result of exporting one batch: dead letters, the acknowledgement, the summary.
    /// `count`: the batch's events when `batch` no longer holds them (a group too large to keep, ``HeldGroup``).
    func complete(_ batch: [RuntimeEvent], count: Int? = nil, _ result: BatchResult, initializationError: String?) {
        let count = count ?? batch.count
        let (records, deadLettered) = deadLetterRecords(batch, result)
        // Given-up events that no dead-letter file keeps were neither delivered nor kept: the checkpoint stays
        // before them, so running the command again sends them (a full disk, a restarted database).
        var stall = result.outcome == nil && (deadLetters == nil || result.abandoned || batch.count < count)
        var writeFailure: String?
        if let deadLetters, !records.isEmpty {
            do { try deadLetters.write(records) } catch {
                stall = true
                writeFailure = "\(error)"
            }
        }
        tracker.acknowledge(index, stall: stall)
        let now = options.clock.now()
        engine.update(index) { summary in
            if let outcome = result.outcome {
                let refused = outcome.rejected.count + outcome.rejectedWithoutDetail
                summary.sent += max(0, count - refused)
                summary.rejected += refused
                summary.retried += outcome.retries
                summary.bytes += outcome.bytesSent
            } else {
                summary.givenUp += count
                summary.retried += result.retries
                if let failure = result.failure, summary.failures.count < 3, initializationError == nil {
                    summary.failures.append("export: \(failure)")
                }
            }
            summary.deadLettered += stall ? 0 : deadLettered
            if let writeFailure, summary.failures.count < 5 { summary.failures.append(writeFailure) }
            summary.seconds = (now - started).seconds
        }
    }

    /// The dead-letter records for a batch's refused events, or for all of it when it was given up on (not when it
    /// was abandoned), and how many events they hold; none without a dead-letter file.
    private func deadLetterRecords(_ batch: [RuntimeEvent], _ result: BatchResult) -> ([UInt8], Int) {
        guard deadLetters != nil else { return ([], 0) }
        var records: [UInt8] = []
        var count = 0
        if let outcome = result.outcome {
            for rejected in outcome.rejected {
                records += DeadLetterWriter.record(
                    exporter: target.label,
                    reason: rejected.reason,
                    status: rejected.status,
                    line: rejected.event.line
                )
                count += 1
            }
        } else if let failure = result.failure, !result.abandoned {
            for event in batch {
                records += DeadLetterWriter.record(
                    exporter: target.label,
                    reason: "gave up: \(failure)",
                    status: nil,
                    line: event.line
                )
                count += 1
            }
        }
        return (records, count)
    }
}
