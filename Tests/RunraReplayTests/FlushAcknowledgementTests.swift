import Foundation
import RunraEvents
import RunraReplay
import RunraTestSupport
import Testing

/// What a file-writing exporter's destination holds: files named after the origin of the batch that began them,
/// made visible at flush (a rename: a second file of the same name replaces the first).
final class FileStore: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String: [[UInt8]]] = [:]
    private(set) var renames = 0

    func publish(_ name: String, _ lines: [[UInt8]]) {
        lock.withLock {
            files[name] = lines
            renames += 1
        }
    }

    var lines: [[UInt8]] { lock.withLock { files.values.flatMap { $0 } } }
    var names: [String] { lock.withLock { Array(files.keys) } }
    var count: Int { lines.count }
}

/// An exporter acknowledged at flush: it buffers batches into one "file" named after the first batch's origin and
/// publishes it at flush. It can fail flushes, ask for a flush every few batches, and check at each export that
/// the checkpoint never passed what is published.
final class BufferingExporter: EventExporter, @unchecked Sendable {
    let id = "buffering"
    let store: FileStore
    let interval: Duration
    private let lock = NSLock()
    private var name: String?
    private var buffered: [[UInt8]] = []
    private var batchesInFile = 0
    /// The next this many flushes throw (and discard the buffer, as the rule asks).
    var failingFlushes = 0
    /// Asks for a flush once a file holds this many batches.
    var batchesPerFile: Int?
    /// Called after each successful flush with the number of flushes so far.
    var afterFlush: (@Sendable (Int) -> Void)?
    private(set) var flushes = 0
    private(set) var origins: [String] = []
    /// Checked at each export: the checkpoint's line never passes the events published.
    var checkpointPath: String?
    private(set) var checkpointAhead = false
    /// A bad exporter, for the conformance check: publishes at export.
    var publishesAtExport = false

    init(store: FileStore, interval: Duration = .seconds(3600)) {
        self.store = store
        self.interval = interval
    }

    var acknowledgement: ExportAcknowledgement { .onFlush(interval: interval) }

    func initialize(configuration: ExporterConfiguration) async throws {}

    func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome {
        try await export(events, origin: BatchOrigin(key: "none"))
    }

    func export(_ events: [RuntimeEvent], origin: BatchOrigin) async throws -> ExportOutcome {
        if let checkpointPath, let saved = try? ReplayCheckpoint.load(path: checkpointPath), saved.line > store.count {
            lock.withLock { checkpointAhead = true }
        }
        let full: Bool = lock.withLock {
            origins.append(origin.key)
            if name == nil { name = origin.key }
            buffered += events.map(\.line)
            batchesInFile += 1
            return batchesPerFile.map { batchesInFile >= $0 } ?? false
        }
        if publishesAtExport { store.publish(origin.key, events.map(\.line)) }
        var outcome = ExportOutcome()
        outcome.flushRequested = full
        return outcome
    }

    func flush() async throws {
        let (file, lines, failing, count): (String?, [[UInt8]], Bool, Int) = lock.withLock {
            defer { (name, buffered, batchesInFile) = (nil, [], 0) }
            if failingFlushes > 0 {
                failingFlushes -= 1
                return (nil, [], true, flushes)
            }
            if name != nil { flushes += 1 }
            return (name, buffered, false, flushes)
        }
        if failing { throw RunraError(.exporter, "buffering: disk full") }
        if let file {
            store.publish(file, lines)
            afterFlush?(count)
        }
    }

    func dispose() async {}
}

@Suite struct FlushAcknowledgementTests {
    func target(_ exporter: BufferingExporter, batchSize: Int = 10) -> ReplayTarget {
        ReplayTarget(label: exporter.id, exporter: exporter, batchSize: batchSize, flushInterval: .milliseconds(10))
    }

    @Test func theCheckpointNeverPassesWhatAFlushPublished() async throws {
        let folder = try TemporaryDirectory()
        let input = try folder.write("in.jsonl", lines: Sample.lines(500))
        let store = FileStore()
        let exporter = BufferingExporter(store: store)
        exporter.batchesPerFile = 3
        exporter.checkpointPath = folder.path("ckpt")
        var options = ReplayOptions()
        options.checkpointPath = folder.path("ckpt")
        options.checkpointInterval = .milliseconds(1)
        let report = try await ReplayEngine(targets: [target(exporter)], options: options).run(
            .events(EventBatchReader(paths: [input]))
        )
        #expect(report.exporters[0].sent == 500)
        #expect(store.count == 500)
        #expect(!exporter.checkpointAhead)
        // 50 batches of 10, a file every 3 batches: 17 files, each named after the origin of its first batch.
        #expect(store.renames == 17)
        #expect(try ReplayCheckpoint.load(path: folder.path("ckpt"))?.line == 500)
    }

    @Test func aFileIsFlushedAsSoonAsTheExporterAsks() async throws {
        let store = FileStore()
        let exporter = BufferingExporter(store: store)
        exporter.batchesPerFile = 2
        let report = try await ReplayEngine(targets: [target(exporter)]).run(.memory(Sample.events(100)))
        #expect(report.exporters[0].sent == 100)
        #expect(exporter.flushes == 5)
        #expect(Set(store.lines) == Set(Sample.events(100).map(\.line)))
    }

    /// The progress counts what is in files not yet complete apart from what was sent, so a long file does not
    /// look like nothing is happening.
    @Test func eventsInFilesNotYetCompleteArePendingNotSent() async throws {
        let exporter = BufferingExporter(store: FileStore())
        exporter.batchesPerFile = 2
        let engine = ReplayEngine(targets: [target(exporter)])
        let seen = Counter()
        exporter.afterFlush = { _ in
            let summary = engine.progress().exporters[0]
            seen.add(summary.pending)
            seen.add(summary.sent)
        }
        let report = try await engine.run(.memory(Sample.events(40)))
        // At each flush, before it is acknowledged: 20 pending, and what earlier files sent.
        #expect(seen.values == [20, 0, 20, 20])
        #expect(report.exporters[0].pending == 0)
        #expect(report.exporters[0].sent == 40)
    }

    /// A followed log that goes quiet still lands: the held batch is flushed after the interval, not when the next
    /// batch or the end comes.
    @Test func aQuietInputIsFlushedWithinTheInterval() async throws {
        let folder = try TemporaryDirectory()
        let log = folder.path("app.jsonl")
        FileManager.default.createFile(atPath: log, contents: nil)
        let store = FileStore()
        let exporter = BufferingExporter(store: store, interval: .milliseconds(50))
        let reader = LiveLogReader(inputs: [log])
        reader.pollInterval = .milliseconds(10)
        let engine = ReplayEngine(targets: [target(exporter, batchSize: 100)])
        let replay = Task { try await engine.run(.live(reader)) }
        let writer = try #require(FileHandle(forWritingAtPath: log))
        for (index, line) in Sample.lines(3).enumerated() {
            try writer.write(contentsOf: Data((line + "\n").utf8))
            // Nothing more is written until this one is published: only the interval can flush it. (The wait is
            // long because other suites of the same process can hold the cooperative threads for many seconds.)
            let published = await eventually(.seconds(120)) { store.count == index + 1 }
            #expect(published, "event \(index + 1) was not published while the log was quiet")
        }
        try writer.close()
        engine.interrupt()
        let report = try await replay.value
        #expect(report.exporters[0].sent == 3)
        #expect(exporter.flushes == 3)
    }

    func eventually(_ timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func aFailedFlushGivesUpTheGroupWithoutFollow() async throws {
        let folder = try TemporaryDirectory()
        let input = try folder.write("in.jsonl", lines: Sample.lines(40))
        let store = FileStore()
        let exporter = BufferingExporter(store: store)
        exporter.batchesPerFile = 2
        exporter.failingFlushes = 1
        var options = ReplayOptions()
        options.checkpointPath = folder.path("ckpt")
        options.deadLetterPath = folder.path("dead.jsonl")
        let report = try await ReplayEngine(targets: [target(exporter)], options: options).run(
            .events(EventBatchReader(paths: [input]))
        )
        // The first group (two batches of 10) failed at flush: dead-lettered, never published.
        #expect(report.exporters[0].givenUp == 20)
        #expect(report.exporters[0].deadLettered == 20)
        #expect(report.exporters[0].sent == 20)
        #expect(store.count == 20)
        let deadLines = try String(contentsOfFile: folder.path("dead.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(deadLines.count == 20)
        #expect(deadLines.allSatisfy { $0.contains("buffering: disk full") })
    }

    @Test func aFailedFlushIsExportedAgainWithTheSameOriginsWhenFollowing() async throws {
        let store = FileStore()
        let exporter = BufferingExporter(store: store)
        exporter.batchesPerFile = 2
        exporter.failingFlushes = 2
        var options = ReplayOptions()
        options.keepsTrying = true
        options.firstRetryWait = .milliseconds(5)
        let report = try await ReplayEngine(targets: [target(exporter)], options: options).run(
            .memory(Sample.events(40))
        )
        #expect(report.exporters[0].sent == 40)
        #expect(report.exporters[0].givenUp == 0)
        #expect(report.exporters[0].retried == 2)
        #expect(store.lines.count == 40)
        #expect(Set(store.lines).count == 40)
        // The failed group's two batches were exported three times with the same origins.
        #expect(
            Array(exporter.origins.prefix(6))
                == Array(repeating: Array(exporter.origins.prefix(2)), count: 3).flatMap { $0 }
        )
    }

    /// A group larger than the engine keeps cannot be exported again: a failed flush gives it up without dead
    /// letters and the checkpoint stays before it, so a run with the same checkpoint writes it.
    @Test func aFailedGroupTooLargeToKeepIsGivenUpAndTheCheckpointStaysBeforeIt() async throws {
        let folder = try TemporaryDirectory()
        let input = try folder.write("in.jsonl", lines: Sample.lines(40))
        let store = FileStore()
        let exporter = BufferingExporter(store: store)
        exporter.batchesPerFile = 2
        exporter.failingFlushes = 1
        var options = ReplayOptions()
        options.checkpointPath = folder.path("ckpt")
        options.deadLetterPath = folder.path("dead.jsonl")
        options.heldGroupBytes = 100
        let notices = Locked<[String]>([])
        let report = try await ReplayEngine(targets: [target(exporter)], options: options).run(
            .events(EventBatchReader(paths: [input])),
            onNotice: { message in notices.set(notices.value + [message]) }
        )
        #expect(report.exporters[0].givenUp == 20)
        #expect(report.exporters[0].deadLettered == 0)
        #expect(store.count == 20)
        #expect(try ReplayCheckpoint.load(path: folder.path("ckpt")) == nil)
        #expect(notices.value.contains { $0.contains("not kept to be written again") })
    }

    @Test func aShipperStopsWhenAGroupTooLargeToKeepFails() async throws {
        let store = FileStore()
        let exporter = BufferingExporter(store: store)
        exporter.batchesPerFile = 2
        exporter.failingFlushes = 1
        var options = ReplayOptions()
        options.keepsTrying = true
        options.heldGroupBytes = 100
        let report = try await ReplayEngine(targets: [target(exporter)], options: options).run(
            .memory(Sample.events(200))
        )
        #expect(report.interrupted)
        #expect(report.exporters[0].sent == 0)
        #expect(store.count == 0)
    }

    @Test func aRunResumedFromItsCheckpointWritesTheSameNamesAgain() async throws {
        let folder = try TemporaryDirectory()
        let input = try folder.write("in.jsonl", lines: Sample.lines(300))
        let store = FileStore()
        var options = ReplayOptions()
        options.checkpointPath = folder.path("ckpt")
        options.checkpointInterval = .seconds(3600)
        // First run: stops after its third file, as a kill after the rename and before the checkpoint would
        // leave it: the checkpoint is put back to where it was before that file.
        let first = BufferingExporter(store: store)
        first.batchesPerFile = 2
        let engine = ReplayEngine(targets: [target(first)], options: options)
        let beforeThird = Locked<Data?>(nil)
        let checkpoint = folder.path("ckpt")
        first.afterFlush = { flushes in
            // Called when the third file is published, before it is acknowledged: the checkpoint covers two.
            if flushes == 3 {
                beforeThird.set(FileManager.default.contents(atPath: checkpoint))
                engine.interrupt()
            }
        }
        _ = try await engine.run(.events(EventBatchReader(paths: [input])))
        let saved = try #require(beforeThird.value)
        try saved.write(to: URL(fileURLWithPath: folder.path("ckpt")))
        #expect(try ReplayCheckpoint.load(path: folder.path("ckpt"))?.line == 40)
        let namesAfterFirst = Set(store.names)

        let second = BufferingExporter(store: store)
        second.batchesPerFile = 2
        let report = try await ReplayEngine(targets: [target(second)], options: options).run(
            .events(EventBatchReader(paths: [input]))
        )
        #expect(report.resumedAfter == EventPosition(input: 0, line: 40))
        #expect(namesAfterFirst.contains(second.origins[0]))
        #expect(second.origins[0].hasSuffix("-0-41"))
        #expect(store.lines.count == 300)
        #expect(Set(store.lines).count == 300)
    }

    @Test func theConformanceCheckPassesAnExporterThatHoldsUntilFlush() async {
        let store = FileStore()
        let problems = await ExporterConformance.checkHeldUntilFlush(
            make: { BufferingExporter(store: store) },
            configuration: ExporterConfiguration(),
            readBack: { store.lines }
        )
        #expect(problems == [])
    }

    @Test func theConformanceCheckFindsAnExporterThatPublishesAtExport() async {
        let store = FileStore()
        let problems = await ExporterConformance.checkHeldUntilFlush(
            make: {
                let exporter = BufferingExporter(store: store)
                exporter.publishesAtExport = true
                return exporter
            },
            configuration: ExporterConfiguration(),
            readBack: { store.lines }
        )
        #expect(problems.contains("events were at the destination before flush"))
    }
}

/// Values appended from any thread.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Int] = []
    func add(_ value: Int) { lock.withLock { recorded.append(value) } }
    var values: [Int] { lock.withLock { recorded } }
}

/// A value set from any thread.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    func set(_ value: Value) { lock.withLock { stored = value } }
    var value: Value { lock.withLock { stored } }
}
