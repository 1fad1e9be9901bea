import Foundation
import RunraEvents
import RunraTestSupport
import Testing

@testable import RunraReplay

/// The engine's parts of `replay --follow`: trying again while a sink is down, and the ledger that turns
/// acknowledged positions into per-file offsets.
@Suite struct ReplayFollowEngineTests {
    func target(_ exporter: RecordingExporter, batchSize: Int = 16) -> ReplayTarget {
        ReplayTarget(label: exporter.id, exporter: exporter, batchSize: batchSize, flushInterval: .milliseconds(10))
    }

    func options(deadLetters: String? = nil) -> ReplayOptions {
        var options = ReplayOptions()
        options.keepsTrying = true
        options.firstRetryWait = .milliseconds(5)
        options.deadLetterPath = deadLetters
        return options
    }

    @Test func aSinkThatIsDownForAWhileGetsEveryBatchOnce() async throws {
        let events = Sample.events(100)
        let exporter = RecordingExporter(id: "sink")
        exporter.failuresLeft = 4
        let folder = try TemporaryDirectory()
        let report = try await ReplayEngine(
            targets: [target(exporter)],
            options: options(deadLetters: folder.path("dead.jsonl"))
        )
        .run(.memory(events))
        #expect(exporter.events.map(\.line) == events.map(\.line))
        #expect(exporter.retryPreparations == 4)
        #expect(report.exporters[0].sent == 100 && report.exporters[0].givenUp == 0 && report.exporters[0].retried == 4)
        #expect(!report.exportersFailed)
        #expect(((try? String(contentsOfFile: folder.path("dead.jsonl"), encoding: .utf8)) ?? "").isEmpty)
    }

    @Test func withoutKeepsTryingTheSameOutageGivesUp() async throws {
        let exporter = RecordingExporter(id: "sink")
        exporter.failuresLeft = 1
        let report = try await ReplayEngine(targets: [target(exporter)]).run(.memory(Sample.events(100)))
        #expect(report.exporters[0].givenUp == 16)
        #expect(exporter.retryPreparations == 0)
    }

    @Test func stoppingWhileTryingAgainKeepsTheBatchForTheNextRunNotTheDeadLetters() async throws {
        let exporter = RecordingExporter(id: "sink")
        exporter.throwsAlways = true
        let folder = try TemporaryDirectory()
        let engine = ReplayEngine(targets: [target(exporter)], options: options(deadLetters: folder.path("dead.jsonl")))
        let run = Task { try await engine.run(.memory(Sample.events(100))) }
        try await Task.sleep(for: .milliseconds(300))
        engine.interrupt()
        let report = try await run.value
        #expect(report.interrupted)
        #expect(report.exporters[0].deadLettered == 0 && report.exporters[0].sent == 0)
        #expect(((try? String(contentsOfFile: folder.path("dead.jsonl"), encoding: .utf8)) ?? "").isEmpty)
    }

    static func state(
        _ fingerprint: String,
        read: Int64,
        finished: Bool = false,
        size: Int64? = nil
    ) -> LiveLogReader.FileState {
        LiveLogReader.FileState(
            log: "app.jsonl",
            fingerprint: fingerprint,
            path: "app.jsonl",
            device: 1,
            inode: 2,
            isCompressed: false,
            size: size ?? read,
            readOffset: read,
            isFinished: finished,
            isPresent: true,
            modified: 0
        )
    }

    static func piece(_ file: LiveLogReader.FileState, ends: [Int64], end: Int64) -> LiveLogReader.Piece {
        LiveLogReader.Piece(
            file: file,
            events: ends.map { _ in try! RuntimeEvent(Sample.lines(1)[0]) },
            ends: ends,
            lines: ends.indices.map { $0 + 1 },
            end: end,
            endLine: ends.count + 1
        )
    }

    @Test func aFileGoneAfterItWasDeliveredToItsLastSeenSizeIsNotLost() {
        func file(_ fingerprint: String, offset: Int64, size: Int64?, live: Bool? = false) -> LiveCheckpoint.File {
            LiveCheckpoint.File(
                log: "app.jsonl",
                fingerprint: fingerprint,
                path: live == false ? "app.jsonl.1" : "app.jsonl",
                device: 1,
                inode: 2,
                compressed: size == nil,
                offset: offset,
                line: 10,
                size: size,
                complete: false,
                live: live
            )
        }
        let ledger = LiveLedger(
            resumingFrom: LiveCheckpoint(files: [
                file("delivered", offset: 500, size: 500), file("behind", offset: 400, size: 500),
                file("gzip-not-read-to-its-end", offset: 400, size: nil),
                // The live file when last seen: it may have grown while no shipper ran. A checkpoint from before
                // `live` was written says so by its path.
                file("live-when-last-seen", offset: 500, size: 500, live: true),
                file("older-checkpoint", offset: 500, size: 500, live: nil),
            ])
        )
        let lost = ledger.settleResume(
            lost: ["delivered", "behind", "gzip-not-read-to-its-end", "live-when-last-seen", "older-checkpoint"])
        #expect(
            lost.map(\.fingerprint) == [
                "behind", "gzip-not-read-to-its-end", "live-when-last-seen", "older-checkpoint",
            ]
        )
        #expect(lost.map(\.bytesLost) == [100, 0, 0, 0])
        #expect(ledger.lostFiles.count == 4)
        #expect(ledger.checkpoint(status: []).files.isEmpty)
    }

    @Test func theLedgerMapsAcknowledgedPositionsToFileOffsets() throws {
        let ledger = LiveLedger(resumingFrom: nil)
        let a = Self.state("fp-a", read: 300, finished: true)
        let b = Self.state("fp-b", read: 50)
        let first = ledger.record(Self.piece(a, ends: [100, 200], end: 300))  // a bad or filtered line at 200..<300
        let second = ledger.record(Self.piece(b, ends: [50], end: 50))
        #expect(ledger.checkpoint(status: [a, b]).files.map(\.offset) == [0, 0])

        ledger.commit(through: EventPosition(input: first, line: 1))
        #expect(ledger.checkpoint(status: [a, b]).files.map(\.offset) == [100, 0])
        // The piece's end: the lines after its last event are passed too, and a is delivered to its end.
        ledger.commit(through: EventPosition(input: first, line: 3))
        var checkpoint = ledger.checkpoint(status: [a, b])
        #expect(checkpoint.files.map(\.offset) == [300, 0])
        #expect(checkpoint.files.map(\.complete) == [true, false])
        ledger.commit(through: EventPosition(input: second, line: 1))
        checkpoint = ledger.checkpoint(status: [a, b])
        #expect(checkpoint.files.map(\.offset) == [300, 50] && checkpoint.files[1].line == 1)

        // Once a delivered file is gone from the reader's view, it leaves the checkpoint; an undelivered one stays.
        let c = Self.state("fp-c", read: 10, size: 90)
        _ = ledger.record(Self.piece(c, ends: [10], end: 10))
        checkpoint = ledger.checkpoint(status: [b])
        #expect(checkpoint.files.map(\.fingerprint) == ["fp-b", "fp-c"])

        // A restart resumes from the checkpoint.
        let resumed = LiveLedger(resumingFrom: checkpoint)
        #expect(resumed.resumePoints["fp-b"] == LiveLogReader.Resume(offset: 50, line: 1, isComplete: false))
        // Until the reader has looked for them, its files stay in the checkpoint, even b, which was read to its
        // recorded size (it may have grown since); then the lost one is reported and forgotten.
        #expect(resumed.checkpoint(status: []).files.map(\.fingerprint) == ["fp-b", "fp-c"])
        resumed.settleResume(lost: ["fp-c"])
        #expect(resumed.lostFiles.map(\.fingerprint) == ["fp-c"])
        #expect(resumed.resumePoints["fp-c"] == nil)
        #expect(resumed.checkpoint(status: [b]).files.map(\.fingerprint) == ["fp-b"])
    }
}
