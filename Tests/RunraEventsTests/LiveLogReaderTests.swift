import Foundation
import RunraEvents
import Testing

/// The reader under `replay --follow`: files known by content, read oldest first, resumed mid-file (also in gzip).
@Suite(.timeLimit(.minutes(5))) struct LiveLogReaderTests {
    static func line(_ n: Int) -> String {
        #"{"id":"evt_\#(n)","timestamp":"2026-06-15T10:30:00.000Z","type":"exec.completed","data":{"n":\#(n)}}"#
    }

    static func text(_ range: Range<Int>) -> String { range.map { line($0) + "\n" }.joined() }

    /// Runs the reader until it handed out `count` events (or 10 s passed); returns the pieces.
    static func read(
        _ reader: LiveLogReader,
        resume: [String: LiveLogReader.Resume] = [:],
        count: Int
    ) throws -> [LiveLogReader.Piece] {
        var pieces: [LiveLogReader.Piece] = []
        let deadline = ContinuousClock.now + .seconds(10)
        _ = try reader.run(
            resume: resume,
            onPiece: { piece in
                pieces.append(piece)
                return pieces.reduce(0) { $0 + $1.events.count } < count
            },
            onBadLine: { _ in },
            shouldStop: { ContinuousClock.now > deadline }
        )
        return pieces
    }

    static func ids(_ pieces: [LiveLogReader.Piece]) -> [String] {
        pieces.flatMap(\.events).compactMap(\.id)
    }

    @Test func readsTheRotatedSetOldestFirstAndResumesInsideAGzipFile() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/app.jsonl"
        try RotationTestIO.write(log + ".1", Self.text(0..<10))
        #expect(try RotationTestIO.run("/usr/bin/env", ["gzip", log + ".1"]).status == 0)
        try RotationTestIO.write(log, Self.text(10..<15))

        let reader = LiveLogReader(inputs: [log])
        let all = try Self.read(reader, count: 15)
        #expect(Self.ids(all) == (0..<15).map { "evt_\($0)" })
        let compressed = try #require(all.first { $0.file.isCompressed })
        #expect(compressed.file.path == log + ".1.gz")
        // Each event's end is where the next line starts; line numbers are the file's.
        let lineLength = Int64(Self.line(0).utf8.count + 1)
        #expect(compressed.ends.prefix(3) == [lineLength, 2 * lineLength, 3 * lineLength])
        #expect(compressed.lines.prefix(3) == [1, 2, 3])

        // A new reader resuming after line 4 of the gzip file and line 2 of the live one.
        let gzipFingerprint = ContentFingerprint.of(Array((Self.line(0) + "\n").utf8))
        let liveFingerprint = ContentFingerprint.of(Array((Self.line(10) + "\n").utf8))
        let resume = [
            gzipFingerprint: LiveLogReader.Resume(offset: 4 * lineLength, line: 4, isComplete: false),
            liveFingerprint: LiveLogReader.Resume(offset: 2 * lineLength, line: 2, isComplete: false),
        ]
        let rest = try Self.read(LiveLogReader(inputs: [log]), resume: resume, count: 9)
        #expect(Self.ids(rest) == (4..<10).map { "evt_\($0)" } + (12..<15).map { "evt_\($0)" })
        #expect(rest.first?.lines.first == 5)

        // A file the checkpoint calls complete is skipped.
        let skipped = try Self.read(
            LiveLogReader(inputs: [log]),
            resume: [gzipFingerprint: LiveLogReader.Resume(offset: 10 * lineLength, line: 10, isComplete: true)],
            count: 5
        )
        #expect(Self.ids(skipped) == (10..<15).map { "evt_\($0)" })
    }

    /// A shipper restarted while a rotation renames or compresses a file its checkpoint names may not see that
    /// file at its first look (CI, `ReplayFollowKillTests`): it looks again before calling the file lost, and
    /// resumes it where the checkpoint says. A file that stays gone is reported lost, once.
    @Test func aCheckpointedFileOutOfSightAtStartIsLookedForBeforeItIsCalledLost() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/app.jsonl"
        let lineLength = Int64(Self.line(0).utf8.count + 1)
        let late = ContentFingerprint.of(Array((Self.line(0) + "\n").utf8))
        let gone = ContentFingerprint.of(Array((Self.line(500) + "\n").utf8))
        // The rotation renamed app.jsonl (0..<5) away a moment ago; the new names appear 300 ms later.
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.3)
            try? RotationTestIO.write(log + ".1", Self.text(0..<5))
            try? RotationTestIO.write(log, Self.text(10..<12))
        }
        var reports: [[String]] = []
        var ids: [String] = []
        let deadline = ContinuousClock.now + .seconds(10)
        _ = try LiveLogReader(inputs: [log]).run(
            resume: [
                late: LiveLogReader.Resume(offset: 3 * lineLength, line: 3, isComplete: false),
                gone: LiveLogReader.Resume(offset: lineLength, line: 1, isComplete: false),
            ],
            onPiece: { piece in
                ids += piece.events.compactMap(\.id)
                return ids.count < 4
            },
            onBadLine: { _ in },
            onResumeChecked: { reports.append($0) },
            shouldStop: { ContinuousClock.now > deadline }
        )
        #expect(reports == [[gone]])
        #expect(ids == ["evt_3", "evt_4", "evt_10", "evt_11"])
    }

    /// Runs `reader` until it handed out `count` events (or 10 s passed), calling `afterPiece` with the events
    /// so far after each piece; returns the ids in order and the notices.
    static func follow(
        _ reader: LiveLogReader,
        count: Int,
        afterPiece: (Int) throws -> Void
    ) throws -> (ids: [String], notices: [String]) {
        final class Notices: @unchecked Sendable { var list: [String] = [] }
        let notices = Notices()
        var ids: [String] = []
        let deadline = ContinuousClock.now + .seconds(10)
        _ = try reader.run(
            onPiece: { piece in
                ids += piece.events.compactMap(\.id)
                try afterPiece(ids.count)
                return ids.count < count
            },
            onBadLine: { _ in },
            onNotice: { notices.list.append($0) },
            shouldStop: { ContinuousClock.now > deadline }
        )
        return (ids, notices.list)
    }

    /// The copy may appear after the truncation is seen (here 300 ms later; in the field, a rotation was renaming
    /// and compressing the set while the reader looked): the rest of the file is read from it. A reader that gave
    /// the file up at the first look lost the lines after the read position (CI, `ReplayFollowKillTests`).
    @Test func aTruncatedFileIsReadOnFromACopyThatAppearsLate() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/app.jsonl"
        try RotationTestIO.write(log, Self.text(0..<5))
        let reader = LiveLogReader(inputs: [log])
        reader.pollInterval = .milliseconds(20)
        var rotated = false
        let result = try Self.follow(reader, count: 10) { delivered in
            guard !rotated, delivered >= 5 else { return }
            rotated = true
            // Lines 5..<8 were written after the reader's look; then the file is truncated, written on, and its
            // copy (all eight lines) shows up only later.
            try RotationTestIO.write(log, Self.text(8..<10))
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 0.3)
                try? RotationTestIO.write(log + ".1", Self.text(0..<8))
            }
        }
        #expect(result.ids == (0..<10).map { "evt_\($0)" }, "\(result.notices)")
        #expect(
            result.notices.contains { $0.contains("reading the rest of it from its copy \(log).1") },
            "\(result.notices)"
        )
    }

    /// A truncation without a copy (`: > app.jsonl`): after the grace period the file is followed from its start,
    /// and the notice says why.
    @Test func aTruncatedFileWithoutACopyIsFollowedAgainFromItsStart() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/app.jsonl"
        try RotationTestIO.write(log, Self.text(0..<3))
        let reader = LiveLogReader(inputs: [log])
        reader.pollInterval = .milliseconds(20)
        var truncated = false
        let result = try Self.follow(reader, count: 5) { delivered in
            guard !truncated, delivered >= 3 else { return }
            truncated = true
            try RotationTestIO.write(log, Self.text(100..<102))
        }
        #expect(result.ids == ["evt_0", "evt_1", "evt_2", "evt_100", "evt_101"], "\(result.notices)")
        #expect(
            result.notices.contains {
                $0.contains("no copy of it appeared within 2") && $0.hasSuffix("following it again from its start")
            },
            "\(result.notices)"
        )
    }

    @Test func aLiveFileWithoutAWholeFirstLineWaitsAndIsThenReadOnce() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        let log = dir + "/app.jsonl"
        try RotationTestIO.write(log, String(Self.line(0).prefix(20)))
        let reader = LiveLogReader(inputs: [log])
        reader.pollInterval = .milliseconds(20)
        let writer = Thread {
            Thread.sleep(forTimeInterval: 0.3)
            let handle = FileHandle(forWritingAtPath: log)!
            handle.seekToEndOfFile()
            handle.write(Data((String(Self.line(0).dropFirst(20)) + "\n" + Self.text(1..<3)).utf8))
            try? handle.close()
        }
        writer.start()
        let pieces = try Self.read(reader, count: 3)
        #expect(Self.ids(pieces) == ["evt_0", "evt_1", "evt_2"])
        #expect(reader.status().count == 1)
    }
}
