import Foundation
public import RunraEvents

/// Feeds events into exporters: per-exporter filters and batches, one task per exporter with a bounded queue,
/// pacing, checkpoints, dead letters. Returns when every exporter acknowledged (or gave up on) its last batch.
///
/// One exporter's failure never stops the others: an `export` that throws gives up on that batch (its events are
/// dead-lettered) and the exporter gets the next one. Memory is bounded by the read-ahead and the queued batches;
/// the slowest exporter sets the pace.
///
/// The parts: an ``InputReader`` thread reads what the ``ReplayCursor`` reads (files, or followed logs) into an
/// ``InputChannel``; the ``Dispatcher`` routes, paces and cuts batches into each exporter's ``BatchQueue``; one
/// ``ExporterWorker`` per exporter exports them and acknowledges them, in order, to the ``CommitTracker``; the cursor
/// turns the acknowledged position into the checkpoint, which a ``CheckpointKeeper`` writes.
public final class ReplayEngine: @unchecked Sendable {
    let targets: [ReplayTarget]
    let options: ReplayOptions
    private let lock = NSLock()
    private var interruptRequested = false
    private var channel: InputChannel?
    private var summaries: [ExporterSummary]
    private var dispatchedEvents = 0
    private var cursor: (any ReplayCursor)?
    private var checkpointKeeper: CheckpointKeeper?
    private var writeCheckpoint: (@Sendable () -> Void)?
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
        lock.withLock { cursor }?.lag() ?? []
    }

    /// `--follow`: the files found gone before they were delivered to their end, so far.
    public func lostFiles() -> [LiveCheckpoint.File] {
        lock.withLock { cursor }?.lostFiles ?? []
    }

    /// How the checkpoint file is faring (`nil` without `--checkpoint`, or before the replay starts).
    public func checkpointHealth() -> CheckpointHealth? {
        let (keeper, events) = lock.withLock { (checkpointKeeper, dispatchedEvents) }
        return keeper?.health(eventsRead: events)
    }

    var isInterrupted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return interruptRequested
    }

    /// Changes exporter `index`'s summary.
    func update(_ index: Int, _ body: (inout ExporterSummary) -> Void) {
        lock.lock()
        body(&summaries[index])
        lock.unlock()
    }

    /// The dispatcher dispatched `count` more events; in a dry run, with each exporter's counts so far.
    func dispatched(_ count: Int, dryRunCounts: (wouldSend: [Int], filteredOut: [Int])?) {
        lock.withLock {
            dispatchedEvents += count
            if let counts = dryRunCounts {
                for index in summaries.indices {
                    summaries[index].sent = counts.wouldSend[index]
                    summaries[index].filteredOut = counts.filteredOut[index]
                }
            }
        }
    }

    /// Replays `source`. `onBadLine` sees bad input lines (on the reading thread); throw from it to stop (`--strict`).
    /// Throws for what prevents starting (a checkpoint for other input, an unwritable dead-letter file).
    /// `onNotice` hears of rotation and truncation while following (`.live`), `onLoss` of each file gone before it
    /// was delivered, the moment that is known (the report lists them too).
    public func run(
        _ source: ReplaySource,
        onBadLine: @escaping @Sendable (BadLine) throws -> Void = { _ in },
        onNotice: @escaping @Sendable (String) -> Void = { _ in },
        onLoss: @escaping @Sendable (LiveCheckpoint.File) -> Void = { _ in }
    ) async throws -> ReplayReport {
        let started = options.clock.now()
        lock.withLock { noticeHandler = onNotice }
        let cursor = try ReplayCursors.make(
            for: source,
            checkpointPath: options.checkpointPath,
            onNotice: onNotice,
            onLoss: onLoss
        )
        lock.withLock { self.cursor = cursor }
        let deadLetters = try prepareOutputs(for: source, cursor: cursor, onNotice: onNotice)
        let initializationErrors = try await initializeExporters()

        var report = ReplayReport(exporters: [])
        report.dryRun = options.dryRun
        let tracker = CommitTracker(exporters: targets.count, start: cursor.resumePoint)
        prepareCheckpointWrites(cursor, tracker: tracker)
        let channel = openChannel()
        let reader = InputReader()
        reader.start(cursor, channel: channel, onBadLine: onBadLine)
        let workers = targets.indices.map { index in
            ExporterWorker(
                index: index,
                target: targets[index],
                queue: BatchQueue(capacity: targets[index].queuedBatches ?? options.queuedBatches),
                tracker: tracker,
                deadLetters: deadLetters,
                started: started,
                engine: self
            )
        }
        report.unrouted = await replay(
            channel,
            cursor: cursor,
            tracker: tracker,
            workers: workers,
            initializationErrors: initializationErrors
        )

        let (summary, readError) = await reader.result()
        report.read = summary
        if let readError { report.inputError = readError as? RunraError ?? RunraError(.io, "\(readError)") }
        report.interrupted = isInterrupted
        lock.withLock { writeCheckpoint = nil }
        finish(cursor, committed: tracker.committed, report: &report)
        let (events, exporters) = progress()
        report.events = events
        report.exporters = exporters
        report.seconds = (options.clock.now() - started).seconds
        return report
    }

    /// Initializes every exporter, concurrently (not in a dry run); returns why each one failed, if it did. A
    /// configuration error gets no better by waiting (SPEC §10): it disposes of every exporter and is thrown before
    /// any event is read, even with --follow, which retries only sinks that are not up yet.
    private func initializeExporters() async throws -> [String?] {
        var errors = [String?](repeating: nil, count: targets.count)
        guard !options.dryRun else { return errors }
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
                errors[index] = error.map { "\($0)" }
                if let error = error as? RunraError, error.code == .configuration, configurationError == nil {
                    configurationError = RunraError(.configuration, "\(targets[index].label): \(error.message)")
                }
            }
        }
        if let configurationError {
            for target in targets { await target.exporter.dispose() }
            throw configurationError
        }
        for (index, error) in errors.enumerated() {
            if let error { update(index) { $0.failures.append("initialize: \(error)") } }
        }
        return errors
    }

    /// The channel from the reader to the dispatcher, closed at once when the replay was interrupted already.
    private func openChannel() -> InputChannel {
        let channel = InputChannel(capacity: options.readAhead)
        let alreadyInterrupted = lock.withLock {
            self.channel = channel
            return interruptRequested
        }
        if alreadyInterrupted { channel.close() }
        return channel
    }

    /// Dispatches what `channel` brings to the workers until it ends (or the replay is interrupted) and every worker
    /// finished, while the flush intervals and the checkpoint are kept in the background. Returns the dead-letter
    /// records for no configured exporter.
    private func replay(
        _ channel: InputChannel,
        cursor: some ReplayCursor,
        tracker: CommitTracker,
        workers: [ExporterWorker],
        initializationErrors: [String?]
    ) async -> Int {
        await withTaskGroup(of: Void.self) { group in
            if !options.dryRun {
                for (worker, error) in zip(workers, initializationErrors) {
                    group.addTask { await worker.run(initializationError: error) }
                }
            }
            let background = Task { await self.keepTime(cursor, tracker: tracker, channel: channel) }
            var dispatcher = Dispatcher(
                engine: self,
                queues: workers.map(\.queue),
                tracker: tracker,
                start: cursor.resumePoint
            )
            await dispatcher.run(channel)
            for worker in workers {
                let (filteredOut, wouldSend) = (
                    dispatcher.filteredOut[worker.index], dispatcher.wouldSend[worker.index]
                )
                update(worker.index) {
                    $0.filteredOut = filteredOut
                    if self.options.dryRun { $0.sent = wouldSend }
                }
                worker.queue.finish()
            }
            await group.waitForAll()
            background.cancel()
            await background.value
            return dispatcher.unrouted
        }
    }

    /// Until cancelled: wakes the dispatcher for flush intervals, and writes the checkpoint every interval.
    private func keepTime(_ cursor: some ReplayCursor, tracker: CommitTracker, channel: InputChannel) async {
        await withTaskGroup(of: Void.self) { helpers in
            let shortest = targets.map(\.flushInterval).min() ?? .seconds(1)
            helpers.addTask {
                let period = max(.milliseconds(5), shortest / 2)
                while !Task.isCancelled {
                    try? await Task.sleep(for: period)
                    channel.tick()
                }
            }
            helpers.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: self.options.checkpointInterval)
                    self.checkpointNow()
                }
            }
        }
    }

    /// Prepares the checkpoint writes of this run: ``checkpointNow()`` writes through `cursor` what `tracker` says.
    private func prepareCheckpointWrites(_ cursor: some ReplayCursor, tracker: CommitTracker) {
        let writes = CheckpointWrites(
            cursor: cursor,
            keeper: lock.withLock { checkpointKeeper },
            tracker: tracker,
            eventsRead: { [self] in lock.withLock { dispatchedEvents } }
        )
        lock.withLock { writeCheckpoint = { writes.writeIfChanged() } }
    }

    /// Writes the checkpoint now if it moved (every interval, and when an exporter acknowledged at `flush` asks;
    /// it waits for this before exporting more, so at most its last file is past the checkpoint).
    func checkpointNow() {
        let write = lock.withLock { writeCheckpoint }
        write?()
    }

    /// Where the event at `position` is in the input (``BatchOrigin``).
    func origin(of position: EventPosition) -> BatchOrigin {
        guard let cursor = lock.withLock({ cursor }) else {
            return BatchOrigin(key: "unknown-\(UInt64.random(in: 0...UInt64.max))")
        }
        return cursor.origin(of: position)
    }

    /// The final checkpoint (not in a dry run), and the cursor's part of the report. A failed write is the report's
    /// ``ReplayReport/checkpointError``.
    private func finish(_ cursor: some ReplayCursor, committed: EventPosition, report: inout ReplayReport) {
        let path = options.dryRun ? nil : options.checkpointPath
        do {
            if let checkpoint = cursor.checkpoint(committed: committed), let path {
                try cursor.write(checkpoint, to: path)
            }
        } catch {
            let message = (error as? RunraError)?.message ?? "\(error)"
            let consequence = "a run with it sends again what was delivered since it was last written"
            report.checkpointError = RunraError(.io, "\(message) (\(CheckpointFile.advice)): \(consequence)")
        }
        cursor.report(&report, committed: committed, kept: path != nil && report.checkpointError == nil)
    }

    /// Tries the checkpoint location and opens the dead-letter file, before any event leaves (a dry run only checks
    /// that they could be written). Throws what prevents starting, naming the path and the `errno` text.
    private func prepareOutputs(
        for source: ReplaySource,
        cursor: any ReplayCursor,
        onNotice: @escaping @Sendable (String) -> Void
    ) throws -> DeadLetterWriter? {
        if let path = options.deadLetterPath, case .deadLetters(let input) = source,
            URL(fileURLWithPath: input).standardized == URL(fileURLWithPath: path).standardized
        {
            throw RunraError(.usage, "--dead-letter must be another file than --from-dead-letter \(input)")
        }
        try checkOwnOutputs(against: cursor)
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
    private func checkOwnOutputs(against cursor: any ReplayCursor) throws {
        let (inputs, followed) = cursor.inputFiles
        guard !inputs.isEmpty else { return }
        var outputs = targets.flatMap { target in
            target.outputFiles.map { OwnOutputs.Output(writer: "\(target.label)'s filePath", path: $0) }
        }
        if let path = options.checkpointPath { outputs.append(.init(writer: "--checkpoint", path: path)) }
        if let path = options.deadLetterPath { outputs.append(.init(writer: "--dead-letter", path: path)) }
        try OwnOutputs.check(inputs: inputs, outputs: outputs, following: followed)
    }

    /// The dispatcher waits here while the checkpoint keeper holds reading (or until interrupted).
    func checkpointHoldsReading() -> Bool {
        let (keeper, events) = lock.withLock { (checkpointKeeper, dispatchedEvents) }
        return keeper?.holdsReading(eventsRead: events) ?? false
    }

    static let longestRetryWait: Duration = .seconds(30)

    /// Sleeps for `duration` unless the replay is interrupted first; `false` when it was.
    func pause(_ duration: Duration) async -> Bool {
        var left = duration
        while left > .zero {
            if isInterrupted { return false }
            let slice = min(left, .milliseconds(100))
            try? await Task.sleep(for: slice)
            left -= slice
        }
        return !isInterrupted
    }

    /// Tells `onNotice` of `run`.
    func notice(_ message: String) {
        let handler = lock.withLock { noticeHandler }
        handler(message)
    }
}
