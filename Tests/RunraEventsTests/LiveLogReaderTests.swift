import Foundation
import RunraEvents
import Testing

/// The reader under `replay --follow`: files known by content, read oldest first, resumed mid-file (also in gzip).
@Suite struct LiveLogReaderTests {
    static func line(_ n: Int) -> String {
        #"{"id":"evt_\#(n)","timestamp":"2026-06-15T10:30:00.000Z","type":"exec.completed","data":{"n":\#(n)}}"#
    }

    static func text(_ range: Range<Int>) -> String { range.map { line($0) + "\n" }.joined() }

    /// Runs the reader until it handed out `count` events (or 10 s passed); returns the pieces.
    static func read(_ reader: LiveLogReader, resume: [String: LiveLogReader.Resume] = [:], count: Int) throws -> [LiveLogReader.Piece] {
        var pieces: [LiveLogReader.Piece] = []
        let deadline = ContinuousClock.now + .seconds(10)
        _ = try reader.run(
            resume: resume,
            onPiece: { piece in
                pieces.append(piece)
                return pieces.reduce(0) { $0 + $1.events.count } < count
            },
            onBadLine: { _ in },
            shouldStop: { ContinuousClock.now > deadline })
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
            resume: [gzipFingerprint: LiveLogReader.Resume(offset: 10 * lineLength, line: 10, isComplete: true)], count: 5)
        #expect(Self.ids(skipped) == (10..<15).map { "evt_\($0)" })
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
