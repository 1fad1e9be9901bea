import Foundation
import RunraEvents
import RunraTestSupport
import Testing

@testable import RunraReplay

/// A checkpoint that cannot be written while the replay runs (issue #25, item 4): each write is tried again, the health
/// says why, and a shipper (``ReplayOptions/keepsTrying``) stops reading once the backlog limit of events was read
/// since the last checkpoint written, so a restart would send at most that many again; it goes on once a write works.
@Suite struct CheckpointHealthTests {
    /// Runs `action` before its first batch (e.g. takes the checkpoint's folder away), then records every event.
    final class HookExporter: EventExporter, @unchecked Sendable {
        let id = "hook"
        private let lock = NSLock()
        private var action: (() -> Void)?
        private var received: [String] = []

        init(beforeFirstBatch action: @escaping () -> Void) { self.action = action }

        var ids: [String] {
            lock.withLock { received }
        }

        func initialize(configuration: ExporterConfiguration) async throws {}
        func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome {
            let action = lock.withLock {
                defer { self.action = nil }
                return self.action
            }
            action?()
            lock.withLock { received += events.map { String(decoding: $0.line, as: UTF8.self) } }
            return ExportOutcome(bytesSent: 0)
        }
        func flush() async throws {}
        func dispose() async {}
    }

    static func waitUntil(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<400 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    @Test func readingPausesAtTheBacklogLimitWhileTheCheckpointFailsAndGoesOnOnceItIsWritten() async throws {
        let folder = try TemporaryDirectory()
        let lines = Sample.lines(8000)
        let input = try folder.write("in.jsonl", lines: lines)
        let state = folder.path("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false)
        let exporter = HookExporter { try? FileManager.default.removeItem(atPath: state) }
        var options = ReplayOptions()
        options.keepsTrying = true
        options.checkpointPath = state + "/replay.ckpt"
        options.checkpointInterval = .milliseconds(5)
        options.checkpointBacklogLimit = 1000
        var read = ReadOptions()
        read.chunkBytes = 2048  // with the reader's 64 KiB of room: about 500 events a chunk, 16 chunks in all
        let notices = NoticeLog()
        let engine = ReplayEngine(
            targets: [ReplayTarget(label: "hook", exporter: exporter, batchSize: 10, flushInterval: .milliseconds(5))],
            options: options
        )
        let run = Task {
            try await engine.run(.events(EventBatchReader(paths: [input], options: read)), onNotice: notices.add)
        }

        #expect(await Self.waitUntil { engine.checkpointHealth()?.readingPaused == true })
        let paused = try #require(engine.checkpointHealth())
        #expect(
            paused.failure?.hasPrefix("cannot write checkpoint \(state)/replay.ckpt: No such file or directory") == true
        )
        #expect(paused.failedWrites >= 1)
        // Reading stops at the first chunk that reaches the limit (no write ever succeeded: all read is unsaved).
        #expect(paused.eventsSinceWritten >= 1000 && paused.eventsSinceWritten < 1000 + 600, "\(paused)")
        let readWhenPaused = engine.progress().events
        try await Task.sleep(for: .milliseconds(500))
        #expect(engine.progress().events == readWhenPaused, "read on while paused")
        #expect(readWhenPaused < lines.count)
        #expect(
            notices.contains("warning: reading paused: the checkpoint \(state)/replay.ckpt has not been written for ")
        )

        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false)
        let report = try await run.value
        #expect(exporter.ids == lines)
        #expect(report.checkpointError == nil)
        #expect(report.checkpoint == EventPosition(input: 0, line: lines.count))
        #expect(
            try ReplayCheckpoint.load(path: state + "/replay.ckpt")?.position
                == EventPosition(input: 0, line: lines.count)
        )
        #expect(engine.checkpointHealth()?.failure == nil && engine.checkpointHealth()?.readingPaused == false)
        #expect(notices.contains("checkpoint \(state)/replay.ckpt written again after "))
        #expect(
            notices.count(where: { $0.hasPrefix("warning: cannot write checkpoint") }) == 1,
            "warned once per outage"
        )
    }

    /// Without keepsTrying (a plain replay) reading goes on; the failure is said at once and the last write, which
    /// fails too, is the report's error (exit 2), with no checkpoint position claimed.
    @Test func aPlainReplayGoesOnAndReportsTheFailedLastWrite() async throws {
        let folder = try TemporaryDirectory()
        let lines = Sample.lines(500)
        let input = try folder.write("in.jsonl", lines: lines)
        let state = folder.path("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false)
        let exporter = HookExporter { try? FileManager.default.removeItem(atPath: state) }
        var options = ReplayOptions()
        options.checkpointPath = state + "/replay.ckpt"
        options.checkpointBacklogLimit = 10
        let engine = ReplayEngine(
            targets: [ReplayTarget(label: "hook", exporter: exporter, batchSize: 10, flushInterval: .milliseconds(5))],
            options: options
        )
        let report = try await engine.run(.events(EventBatchReader(paths: [input])))
        #expect(exporter.ids == lines)
        #expect(report.checkpoint == nil)
        let message = try #require(report.checkpointError?.message)
        #expect(
            message.hasPrefix("cannot write checkpoint \(state)/replay.ckpt: No such file or directory"),
            "\(message)"
        )
    }
}

/// Notices the engine gave, for assertions.
final class NoticeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    @Sendable func add(_ message: String) { lock.withLock { messages.append(message) } }
    func contains(_ prefix: String) -> Bool { lock.withLock { messages.contains { $0.hasPrefix(prefix) } } }
    func count(where matches: (String) -> Bool) -> Int { lock.withLock { messages.filter(matches).count } }
}
