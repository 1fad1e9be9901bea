import Foundation
import RunraEvents
import Testing

/// The reader under `replay --follow` with logrotate's other naming schemes: `dateext`, `extension`, `olddir`, and
/// a glob that also matches rotated files.
@Suite(.timeLimit(.minutes(5))) struct LiveLogReaderNamingTests {
    typealias Reading = LiveLogReaderTests

    @Test func datedNamesWithTheExtensionAreRotatedFilesNotLogsOfTheirOwn() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        try RotationTestIO.write(dir + "/app-20261205-1733400000.jsonl", Reading.text(0..<10))
        #expect(try RotationTestIO.run("/usr/bin/env", ["gzip", dir + "/app-20261205-1733400000.jsonl"]).status == 0)
        try RotationTestIO.write(dir + "/app-20261206-1733480000.jsonl", Reading.text(10..<20))
        try RotationTestIO.write(dir + "/app.jsonl", Reading.text(20..<25))
        try RotationTestIO.write(dir + "/worker-1.jsonl", Reading.text(100..<102))

        let reader = LiveLogReader(inputs: [dir + "/*.jsonl"])
        let pieces = try Reading.read(reader, count: 27)
        let numbers = Reading.ids(pieces).compactMap { Int($0.dropFirst(4)) }
        #expect(numbers.filter { $0 < 100 } == Array(0..<25), "each rotated file once, oldest first")
        #expect(numbers.filter { $0 >= 100 } == [100, 101], "worker-1.jsonl is a log of its own")
        #expect(Set(reader.status().map(\.log)) == [dir + "/app.jsonl", dir + "/worker-1.jsonl"])
    }

    @Test func rotatedFilesInAnOlddirAreFoundAndResumedByContent() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/archive", withIntermediateDirectories: true)
        try RotationTestIO.write(dir + "/archive/app.jsonl.1", Reading.text(0..<10))
        #expect(try RotationTestIO.run("/usr/bin/env", ["gzip", dir + "/archive/app.jsonl.1"]).status == 0)
        try RotationTestIO.write(dir + "/logs/app.jsonl", Reading.text(10..<15))

        let lineLength = Int64(Reading.line(0).utf8.count + 1)
        let fingerprint = ContentFingerprint.of(Array((Reading.line(0) + "\n").utf8))
        let resume = [fingerprint: LiveLogReader.Resume(offset: 6 * lineLength, line: 6, isComplete: false)]
        let reader = LiveLogReader(inputs: [dir + "/logs/app.jsonl"])
        reader.olddirs = ["../archive"]
        var lost: [String]?
        var pieces: [LiveLogReader.Piece] = []
        _ = try reader.run(
            resume: resume,
            onPiece: { piece in
                pieces.append(piece)
                return Reading.ids(pieces).count < 9
            },
            onBadLine: { _ in },
            onResumeChecked: { lost = $0 },
            shouldStop: { false }
        )
        #expect(lost == [])
        #expect(Reading.ids(pieces) == (6..<15).map { "evt_\($0)" })
        #expect(pieces.first?.file.path == dir + "/logs/../archive/app.jsonl.1.gz")
    }

    @Test func withoutTheOlddirTheCheckpointedFileIsReportedLost() throws {
        let dir = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/archive", withIntermediateDirectories: true)
        try RotationTestIO.write(dir + "/archive/app.jsonl.1", Reading.text(0..<10))
        try RotationTestIO.write(dir + "/logs/app.jsonl", Reading.text(10..<15))
        let fingerprint = ContentFingerprint.of(Array((Reading.line(0) + "\n").utf8))
        let resume = [fingerprint: LiveLogReader.Resume(offset: 10, line: 1, isComplete: false)]
        var lost: [String]?
        var count = 0
        _ = try LiveLogReader(inputs: [dir + "/logs/app.jsonl"]).run(
            resume: resume,
            onPiece: { piece in
                count += piece.events.count
                return count < 5
            },
            onBadLine: { _ in },
            onResumeChecked: { lost = $0 },
            shouldStop: { false }
        )
        #expect(lost == [fingerprint])
    }
}
