import Foundation
public import RunraEvents

/// Feeds events into exporters: per-exporter filters and batches, one task per exporter with a bounded queue,
/// pacing, checkpoints, dead letters. Returns when every exporter acknowledged (or gave up on) its last batch.
///
/// One exporter's failure never stops the others: an `export` that throws gives up on that batch (its events are
/// dead-lettered) and the exporter gets the next one. Memory is bounded by the read-ahead and the queued batches;
/// the slowest exporter sets the pace.
public final class ReplayEngine: @unchecked Sendable {
    private let targets: [ReplayTarget]
    private let options: ReplayOptions
    private let lock = NSLock()
    private var interruptRequested = false
    private var channel: InputChannel?
    private var summaries: [ExporterSummary]
    private var dispatchedEvents = 0
    private var following: LiveShipping?
    private var checkpointKeeper: CheckpointKeeper?
    private var noticeHandler: @Sendable (String) -> Void = { _ in }

    /// An engine for `targets`.
    public init(targets: [ReplayTarget], options: ReplayOptions = ReplayOptions()) {
        self.targets = targets
        self.options = options
        self.summaries = targets.map { ExporterSummary(label: $0.label) }
    }

    /// Stops reading (as Ctrl-C does): what was dispatched is still exported and flushed, and the checkpoint written.
    public func interrupt() {
        lock.lock()
        interruptRequested = true
        let channel = self.channel
        lock.unlock()
        channel?.close()
    }

    /// Events dispatched so far, and each exporter's counts.
    public func progress() -> (events: Int, exporters: [ExporterSummary]) {
        lock.lock()
        defer { lock.unlock() }
        return (dispatchedEvents, summaries)
    }

    /// `--follow`: per followed log, what is not yet acknowledged (empty for other sources).
    public func lag() -> [LogLag] {
        guard let following = lock.withLock({ self.following }) else { return [] }
        let now = Timestamp(nanosecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1e9))
        return following.ledger.lag(status: following.reader.status(), now: now)
    }

    /// `--follow`: the files found gone before they were delivered to their end, so far.
    public func lostFiles() -> [LiveCheckpoint.File] {
        lock.withLock { self.following }?.ledger.lostFiles ?? []
    }

    /// How the checkpoint file is faring (`nil` without `--checkpoint`, or before the replay starts).
    public func checkpointHealth() -> CheckpointHealth? {
        let (keeper, events) = lock.withLock { (checkpointKeeper, dispatchedEvents) }
        return keeper?.health(eventsRead: events)
    }

    private var isInterrupted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return interruptRequested
    }

    private func update(_ index: Int, _ body: (inout ExporterSummary) -> Void) {
        lock.lock()
        body(&summaries[index])
        lock.unlock()
    }

    /// Replays `source`. `onBadLine` sees bad input lines (on the reading thread); throw from it to stop (`--strict`).
    /// Throws for what prevents starting (a checkpoint for other input, an unwritable dead-letter file).
    /// `onNotice` hears of rotation and truncation while following (`.live`), `onLoss` of each file gone before it
    /// was delivered, the moment that is known (the report lists them too).
    public func run(
        _ source: ReplaySource, onBadLine: @escaping @Sendable (BadLine) throws -> Void = { _ in },
        onNotice: @escaping @Sendable (String) -> Void = { _ in },
        onLoss: @escaping @Sendable (LiveCheckpoint.File) -> Void = { _ in }
    ) async throws -> ReplayReport {
        let clock = options.clock
        let started = clock.now()
        var report = ReplayReport(exporters: [])
        report.dryRun = options.dryRun
        lock.withLock { noticeHandler = onNotice }

        // The resume point.
        var resume: EventPosition?
        var checkpointInputs: [ReplayCheckpoint.Input] = []
        var live: LiveShipping?
        if case .live(let reader) = source {
            let saved = try options.checkpointPath.flatMap { try LiveCheckpoint.load(path: $0) }
            let shipping = LiveShipping(
                reader: reader, ledger: LiveLedger(resumingFrom: saved), onNotice: onNotice, onLoss: onLoss)
            live = shipping
            lock.withLock { self.following = shipping }
        } else if let checkpointPath = options.checkpointPath {
            guard let paths = source.checkpointPaths else {
                throw RunraError(.usage, "--checkpoint needs input files: standard input cannot be resumed")
            }
            if let saved = try ReplayCheckpoint.load(path: checkpointPath) {
                try saved.verify(against: paths, checkpointPath: checkpointPath)
                resume = saved.position
                checkpointInputs = saved.inputs
                report.resumedAfter = saved.position
            } else {
                checkpointInputs = try ReplayCheckpoint.describe(paths: paths)
            }
        }
        let deadLetters = try prepareOutputs(for: source, onNotice: onNotice)

        // Initialize every exporter, concurrently.
        var initializationErrors = [String?](repeating: nil, count: targets.count)
        if !options.dryRun {
            var configurationError: RunraError?
            await withTaskGroup(of: (Int, (any Error)?).self) { group in
                for (index, target) in targets.enumerated() {
                    group.addTask {
                        do {
                            try await target.exporter.initialize(configuration: target.configuration)
                            return (index, nil)
                        } catch {
                            return (index, error)
                        }
                    }
                }
                for await (index, error) in group {
                    initializationErrors[index] = error.map { "\($0)" }
                    if let error = error as? RunraError, error.code == .configuration, configurationError == nil {
                        configurationError = RunraError(.configuration, "\(targets[index].label): \(error.message)")
                    }
                }
            }
            // A configuration error gets no better by waiting (SPEC §10): stop before any event is read, even with
            // --follow, which retries only sinks that are not up yet.
            if let configurationError {
                for target in targets { await target.exporter.dispose() }
                throw configurationError
            }
            for (index, error) in initializationErrors.enumerated() {
                if let error { update(index) { $0.failures.append("initialize: \(error)") } }
            }
        }

        let tracker = CommitTracker(exporters: targets.count, start: resume ?? .start)
        let channel = InputChannel(capacity: options.readAhead)
        let alreadyInterrupted = lock.withLock {
            self.channel = channel
            return interruptRequested
        }
        if alreadyInterrupted { channel.close() }
        let reader = InputReader()
        reader.start(source, after: resume, channel: channel, live: live, onBadLine: onBadLine)

        let queues = targets.map { BatchQueue<[RuntimeEvent]>(capacity: $0.queuedBatches ?? options.queuedBatches) }
        let checkpointPath = options.dryRun ? nil : options.checkpointPath
        let inputs = checkpointInputs
        let initialization = initializationErrors
        let resumePoint = resume ?? .start
        let deadLetterWriter = deadLetters
        let following = live

        await withTaskGroup(of: Void.self) { group in
            if !options.dryRun {
                for index in targets.indices {
                    group.addTask {
                        await self.work(
                            index, queue: queues[index], tracker: tracker, deadLetters: deadLetterWriter,
                            initializationError: initialization[index], started: started)
                    }
                }
            }
            // Background: wake the dispatcher for flush intervals, and write the checkpoint as it advances.
            let background = Task {
                await withTaskGroup(of: Void.self) { helpers in
                    let shortest = self.targets.map(\.flushInterval).min() ?? .seconds(1)
                    helpers.addTask {
                        let period = max(.milliseconds(5), shortest / 2)
                        while !Task.isCancelled {
                            try? await Task.sleep(for: period)
                            channel.tick()
                        }
                    }
                    if let keeper = self.lock.withLock({ self.checkpointKeeper }) {
                        helpers.addTask {
                            await self.keepCheckpoint(
                                keeper,
                                tracker: tracker,
                                live: following,
                                inputs: inputs,
                                resumePoint: resumePoint
                            )
                        }
                    } else if let live = following {
                        // The ledger follows the acknowledgements (for the lag) without a checkpoint file too.
                        helpers.addTask {
                            while !Task.isCancelled {
                                try? await Task.sleep(for: self.options.checkpointInterval)
                                live.ledger.commit(through: tracker.committed)
                            }
                        }
                    }
                }
            }
            var dispatcher = Dispatcher(engine: self, queues: queues, tracker: tracker, start: resume ?? .start)
            await dispatcher.run(channel)
            report.unrouted = dispatcher.unrouted
            for (index, queue) in queues.enumerated() {
                let filteredOut = dispatcher.filteredOut[index]
                let wouldSend = dispatcher.wouldSend[index]
                update(index) {
                    $0.filteredOut = filteredOut
                    if self.options.dryRun { $0.sent = wouldSend }
                }
                queue.finish()
            }
            await group.waitForAll()
            background.cancel()
            await background.value
        }

        let (summary, readError) = await reader.result()
        report.read = summary
        if let readError { report.inputError = readError as? RunraError ?? RunraError(.io, "\(readError)") }
        report.interrupted = isInterrupted
        let committed = tracker.committed
        do {
            if let live {
                let checkpoint = live.checkpoint(committed: committed)
                if let checkpointPath { try checkpoint.write(to: checkpointPath) }
                report.lostFiles = live.ledger.lostFiles
            } else if let checkpointPath, committed > (resume ?? .start) {
                try ReplayCheckpoint(inputs: checkpointInputs, position: committed).write(to: checkpointPath)
            }
        } catch {
            let message = (error as? RunraError)?.message ?? "\(error)"
            let consequence = "a run with it sends again what was delivered since it was last written"
            report.checkpointError = RunraError(.io, "\(message) (\(CheckpointFile.advice)): \(consequence)")
        }
        report.checkpoint = checkpointPath == nil || live != nil || report.checkpointError != nil ? nil : committed
        let (events, exporters) = progress()
        report.events = events
        report.exporters = exporters
        report.seconds = (clock.now() - started).seconds
        return report
    }

    /// Tries the checkpoint location and opens the dead-letter file, before any event leaves (a dry run only checks
    /// that they could be written). Throws what prevents starting, naming the path and the `errno` text.
    private func prepareOutputs(
        for source: ReplaySource,
        onNotice: @escaping @Sendable (String) -> Void
    ) throws -> DeadLetterWriter? {
        if let path = options.deadLetterPath, case .deadLetters(let input) = source,
            URL(fileURLWithPath: input).standardized == URL(fileURLWithPath: path).standardized
        {
            throw RunraError(.usage, "--dead-letter must be another file than --from-dead-letter \(input)")
        }
        try checkOwnOutputs(against: source)
        if options.dryRun {
            if let path = options.checkpointPath,
                let problem = OutputPath.problem(writing: path, creatingFolders: false)
            {
                throw RunraError(.io, "cannot write checkpoint: \(problem) (\(CheckpointFile.advice))")
            }
            if let path = options.deadLetterPath,
                let problem = OutputPath.problem(writing: path, creatingFolders: false)
            {
                throw RunraError(.io, "cannot write dead-letter file: \(problem) (\(DeadLetterWriter.advice))")
            }
            return nil
        }
        if let path = options.checkpointPath {
            try CheckpointFile.probe(path)
            let limit = options.keepsTrying ? options.checkpointBacklogLimit : nil
            let keeper = CheckpointKeeper(path: path, backlogLimit: limit, notice: onNotice)
            lock.withLock { checkpointKeeper = keeper }
        }
        guard let path = options.deadLetterPath else { return nil }
        let writer = try DeadLetterWriter(path: path)
        if writer.repairedBytes > 0 {
            onNotice(
                "warning: dead-letter file \(path) ended in \(writer.repairedBytes) bytes of a torn record (an earlier "
                    + "run stopped while writing it): cut back to its last whole record before appending"
            )
        }
        return writer
    }

    /// Refuses to read a file this replay writes (exit 2), before anything is written or sent.
    private func checkOwnOutputs(against source: ReplaySource) throws {
        let inputs: [String]
        switch source {
        case .events(let reader): inputs = reader.paths.compactMap { $0 == "-" ? nil : $0 }
        case .live(let reader): inputs = reader.inputs
        case .deadLetters(let path): inputs = [path]
        case .memory: return
        }
        var outputs = targets.flatMap { target in
            target.outputFiles.map { OwnOutputs.Output(writer: "\(target.label)'s filePath", path: $0) }
        }
        if let path = options.checkpointPath { outputs.append(.init(writer: "--checkpoint", path: path)) }
        if let path = options.deadLetterPath { outputs.append(.init(writer: "--dead-letter", path: path)) }
        var following = false
        if case .live = source { following = true }
        try OwnOutputs.check(inputs: inputs, outputs: outputs, following: following)
    }

    /// Writes the checkpoint as it advances, every ``ReplayOptions/checkpointInterval``, until cancelled: a failed
    /// write is tried again at the next interval (the keeper says so at once).
    private func keepCheckpoint(
        _ keeper: CheckpointKeeper,
        tracker: CommitTracker,
        live: LiveShipping?,
        inputs: [ReplayCheckpoint.Input],
        resumePoint: EventPosition
    ) async {
        var writtenLive: LiveCheckpoint?
        var written = resumePoint
        while !Task.isCancelled {
            try? await Task.sleep(for: options.checkpointInterval)
            let eventsRead = lock.withLock { dispatchedEvents }
            let committed = tracker.committed
            if let live {
                let checkpoint = live.checkpoint(committed: committed)
                if checkpoint != writtenLive,
                    keeper.write(eventsRead: eventsRead, { try checkpoint.write(to: keeper.path) })
                {
                    writtenLive = checkpoint
                }
            } else if committed > written {
                let checkpoint = ReplayCheckpoint(inputs: inputs, position: committed)
                if keeper.write(eventsRead: eventsRead, { try checkpoint.write(to: keeper.path) }) {
                    written = committed
                }
            }
        }
    }

    /// The dispatcher waits here while the checkpoint keeper holds reading (or until interrupted).
    fileprivate func checkpointHoldsReading() -> Bool {
        let (keeper, events) = lock.withLock { (checkpointKeeper, dispatchedEvents) }
        return keeper?.holdsReading(eventsRead: events) ?? false
    }

    // MARK: - Exporter tasks

    private func work(
        _ index: Int, queue: BatchQueue<[RuntimeEvent]>, tracker: CommitTracker, deadLetters: DeadLetterWriter?,
        initializationError: String?, started: Duration
    ) async {
        let target = targets[index]
        let exporter = target.exporter
        var initializationError = initializationError
        if options.keepsTrying, let error = initializationError {
            // A shipper outlives a sink that is not up yet: its batches wait (and reading with them).
            notice("\(target.label): cannot start: \(error); trying again until it can (the events wait in the log)")
            var wait = options.firstRetryWait
            while initializationError != nil, await pause(wait) {
                wait = min(wait * 2, Self.longestRetryWait)
                do {
                    try await exporter.initialize(configuration: target.configuration)
                    initializationError = nil
                    update(index) { $0.failures.removeAll { $0.hasPrefix("initialize: ") } }
                    notice("\(target.label): started")
                } catch {}
            }
        }
        let concurrency = initializationError == nil ? max(1, exporter.maximumConcurrentExports) : 1
        // Up to `concurrency` exports run at once; their results are taken in batch order, so dead letters,
        // acknowledgements (the checkpoint) and the summary see the batches in the order they were cut.
        await withTaskGroup(of: BatchResult.self) { running in
            var launched = 0
            var batches: [Int: [RuntimeEvent]] = [:]
            var finished: [Int: BatchResult] = [:]
            var nextToComplete = 0
            // Once a batch was abandoned (the replay stops while it is tried again), the later ones are not sent:
            // the checkpoint stays before the abandoned one, so the next run sends them all, and sending them now
            // would deliver them twice.
            var abandoning = false
            func take(_ result: BatchResult) {
                if result.abandoned { abandoning = true }
                finished[result.number] = result
                while let ready = finished.removeValue(forKey: nextToComplete) {
                    let batch = batches.removeValue(forKey: nextToComplete) ?? []
                    complete(index, batch: batch, outcome: ready.outcome, failure: ready.failure, abandoned: ready.abandoned,
                             retries: ready.retries, tracker: tracker,
                             deadLetters: deadLetters, initializationError: initializationError, started: started)
                    nextToComplete += 1
                }
            }
            while let batch = await queue.receive() {
                while batches.count >= concurrency {
                    guard let result = await running.next() else { break }
                    take(result)
                }
                let number = launched
                launched += 1
                batches[number] = batch
                if abandoning {
                    take(BatchResult(number: number, outcome: nil, failure: nil, abandoned: true))
                } else if concurrency == 1 {
                    // One at a time: no child task (and no hand-off between threads) per batch.
                    take(await self.export(batch, number: number, to: target, initializationError: initializationError))
                } else {
                    running.addTask { [initializationError] in
                        await self.export(batch, number: number, to: target, initializationError: initializationError)
                    }
                }
            }
            while let result = await running.next() { take(result) }
        }
        if initializationError == nil {
            do {
                try await target.exporter.flush()
            } catch {
                update(index) { $0.failures.append("flush: \(error)") }
            }
        }
        await target.exporter.dispose()
        let now = options.clock.now()
        update(index) { $0.seconds = max($0.seconds, (now - started).seconds) }
    }

    /// What exporting the batch numbered `number` gave: an outcome, or why it failed.
    private struct BatchResult: Sendable {
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
    private func export(
        _ batch: [RuntimeEvent], number: Int, to target: ReplayTarget, initializationError: String?
    ) async -> BatchResult {
        if let initializationError {
            return BatchResult(
                number: number, outcome: nil, failure: "the exporter failed to initialize: \(initializationError)",
                abandoned: options.keepsTrying)
        }
        var wait = options.firstRetryWait
        var retries = 0
        var announced = false
        var failure: String
        while true {
            do {
                var outcome = try await target.exporter.export(batch)
                outcome.retries += retries
                if retries > 0 { notice("\(target.label): delivering again") }
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
                notice("\(target.label): \(failure); trying again until it is delivered (the events wait in the log)")
            }
            guard await pause(wait) else {
                return BatchResult(number: number, outcome: nil, failure: failure, abandoned: true, retries: retries)
            }
            wait = min(wait * 2, Self.longestRetryWait)
            retries += 1
            target.exporter.prepareToRetry()
        }
    }

    static let longestRetryWait: Duration = .seconds(30)

    /// Sleeps for `duration` unless the replay is interrupted first; `false` when it was.
    private func pause(_ duration: Duration) async -> Bool {
        var left = duration
        while left > .zero {
            if isInterrupted { return false }
            let slice = min(left, .milliseconds(100))
            try? await Task.sleep(for: slice)
            left -= slice
        }
        return !isInterrupted
    }

    private func notice(_ message: String) {
        let handler = lock.withLock { noticeHandler }
        handler(message)
    }

    /// Takes the result of exporting one batch: dead letters, the acknowledgement, the summary.
    private func complete(
        _ index: Int, batch: [RuntimeEvent], outcome: ExportOutcome?, failure: String?, abandoned: Bool, retries: Int,
        tracker: CommitTracker,
        deadLetters: DeadLetterWriter?, initializationError: String?, started: Duration
    ) {
        let label = targets[index].label
        var records: [UInt8] = []
        var deadLettered = 0
        if let outcome {
            if deadLetters != nil {
                for rejected in outcome.rejected {
                    records += DeadLetterWriter.record(exporter: label, reason: rejected.reason, status: rejected.status, line: rejected.event.line)
                    deadLettered += 1
                }
            }
        } else if deadLetters != nil, let failure, !abandoned {
            for event in batch {
                records += DeadLetterWriter.record(exporter: label, reason: "gave up: \(failure)", status: nil, line: event.line)
                deadLettered += 1
            }
        }
        // Given-up events that no dead-letter file keeps were neither delivered nor kept: the checkpoint stays
        // before them, so running the command again sends them (a full disk, a restarted database).
        var stall = outcome == nil && (deadLetters == nil || abandoned)
        var writeFailure: String?
        if let deadLetters, !records.isEmpty {
            do { try deadLetters.write(records) } catch {
                stall = true
                writeFailure = "\(error)"
            }
        }
        tracker.acknowledge(index, stall: stall)
        let now = options.clock.now()
        update(index) { summary in
            if let outcome {
                let refused = outcome.rejected.count + outcome.rejectedWithoutDetail
                summary.sent += max(0, batch.count - refused)
                summary.rejected += refused
                summary.retried += outcome.retries
                summary.bytes += outcome.bytesSent
            } else {
                summary.retried += retries
                summary.givenUp += batch.count
                if let failure, summary.failures.count < 3, initializationError == nil { summary.failures.append("export: \(failure)") }
            }
            summary.deadLettered += stall ? 0 : deadLettered
            if let writeFailure, summary.failures.count < 5 { summary.failures.append(writeFailure) }
            summary.seconds = (now - started).seconds
        }
    }

    // MARK: - Dispatching

    /// Routes events to the exporters' batches, paces them, and cuts batches by size and age.
    private struct Dispatcher {
        let engine: ReplayEngine
        let queues: [BatchQueue<[RuntimeEvent]>]
        let tracker: CommitTracker
        let clock: any ReplayClock
        let dryRun: Bool
        let passesEverything: [Bool]
        let labels: [String: Int]
        var pending: [[RuntimeEvent]]
        var pendingSince: [Duration]
        var filteredOut: [Int]
        var wouldSend: [Int]
        var unrouted = 0
        var previous: EventPosition
        var firstTimestamp: Timestamp?
        var paceStart = Duration.zero

        init(engine: ReplayEngine, queues: [BatchQueue<[RuntimeEvent]>], tracker: CommitTracker, start: EventPosition) {
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
            filteredOut = targets.map { _ in 0 }
            wouldSend = targets.map { _ in 0 }
            previous = start
        }

        mutating func run(_ channel: InputChannel) async {
            let targets = engine.targets
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
                var count = 0
                for position in chunk.events.indices {
                    let event = chunk.events[position]
                    if let pacing {
                        if engine.isInterrupted { break }
                        await pace(event, factor: pacing)
                    }
                    if let chunkTargets = chunk.targets {
                        if let index = targets.count == 1 ? 0 : labels[chunkTargets[position]] {
                            await add(event, to: index)
                        } else {
                            unrouted += 1
                        }
                    } else {
                        for index in targets.indices {
                            if passesEverything[index] || targets[index].filter.matches(event) {
                                await add(event, to: index)
                            } else {
                                filteredOut[index] += 1
                            }
                        }
                    }
                    previous = chunk.positions[position]
                    count += 1
                }
                if let end = chunk.end, count == chunk.events.count { previous = end }
                tracker.dispatched(through: previous)
                let (wouldSend, filteredOut, dryRun) = (wouldSend, filteredOut, dryRun)
                engine.lock.withLock {
                    engine.dispatchedEvents += count
                    if dryRun {
                        for index in targets.indices {
                            engine.summaries[index].sent = wouldSend[index]
                            engine.summaries[index].filteredOut = filteredOut[index]
                        }
                    }
                }
                if engine.isInterrupted { break }
                await cutDue()
            }
            for index in targets.indices where !pending[index].isEmpty { await cut(index) }
        }

        /// Reads no further while the checkpoint has failed for too many events (`--follow`), sending what is due.
        mutating func waitWhileTheCheckpointHoldsReading() async {
            while engine.checkpointHoldsReading() && !engine.isInterrupted {
                try? await Task.sleep(for: .milliseconds(50))
                await cutDue()
            }
        }

        @inline(__always)
        mutating func add(_ event: RuntimeEvent, to index: Int) async {
            if dryRun {
                wouldSend[index] += 1
                return
            }
            if pending[index].isEmpty {
                tracker.openBatch(index, before: previous)
                pendingSince[index] = clock.now()
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
            await queues[index].send(batch)
        }

        mutating func cutDue() async {
            guard !dryRun else { return }
            let now = clock.now()
            for index in pending.indices where !pending[index].isEmpty && now - pendingSince[index] >= engine.targets[index].flushInterval {
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
}
