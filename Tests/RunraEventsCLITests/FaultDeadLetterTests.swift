import Foundation
import RunraTestSupport
import Testing

/// Dead letters are written whole or not at all (issue #25, item 4). Before, a full disk left a torn record
/// (`{"exporter":"cust`), the next run appended onto it, and `--from-dead-letter` choked on the torn line and sent
/// again what a later run wrote a second time.
@Suite(.timeLimit(.minutes(5))) struct FaultDeadLetterTests {
    /// The jsonl exporter cannot start here (a folder under /proc cannot be made): it gives up on every event, and
    /// every event is dead-lettered.
    static let failing = ["--to", "jsonl", "--set", "filePath=/proc/runra-no/x.jsonl", "--set", "batchSize=64"]

    static let disks: [String] = ["file-size limit"] + (TmpfsFolder.canMount ? ["full tmpfs"] : [])

    /// The `dead-lettered` column of the summary's `jsonl` row.
    static func deadLettered(_ summary: String) -> Int? {
        for line in summary.split(separator: "\n") {
            let cells = line.split(separator: " ")
            if cells.first == "jsonl", cells.count == 9 { return Int(cells[6]) }
        }
        return nil
    }

    /// The `line` of each record, checking that each is a whole record.
    static func recordLines(_ path: String) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.isEmpty || data.last == UInt8(ascii: "\n"), "ends in a torn record")
        return try data.split(separator: UInt8(ascii: "\n")).map { record in
            let raw = try #require(
                ReplayDeadLetterTests.rawLine(of: Data(record)),
                "not a record: \(String(decoding: record, as: UTF8.self))"
            )
            _ = try JSONSerialization.jsonObject(with: Data(record))
            return String(decoding: raw, as: UTF8.self)
        }
    }

    @Test(arguments: disks)
    func aFullDiskLeavesWholeRecordsCountedAndARerunCompletesWithoutDuplicates(_ disk: String) throws {
        let folder = try TemporaryDirectory()
        let (input, lines) = try ReplaySample.file(folder, 3000)
        let tmpfs = disk == "full tmpfs" ? TmpfsFolder(kilobytes: 2048) : nil
        // 48 KiB of room: a fraction of the ~700 KB of records, and not a record boundary.
        tmpfs?.fill(leaving: 48 * 1024)
        let dead = tmpfs.map { $0.path + "/dead.jsonl" } ?? folder.path("dead.jsonl")
        let arguments =
            ["replay"] + Self.failing + ["--dead-letter", dead, "--checkpoint", folder.path("replay.ckpt"), input]
        let limit = tmpfs == nil ? "ulimit -f 100 && " : ""
        let full = try FaultShell.run(limit + "exec " + FaultShell.command(arguments))
        #expect(full.status == 4, "\(full.stderr)")
        #expect(full.stderr.contains(tmpfs == nil ? "File too large" : "No space left on device"), "\(full.stderr)")
        let kept = try Self.recordLines(dead)
        #expect(!kept.isEmpty && kept.count < lines.count, "\(kept.count) records")
        #expect(Self.deadLettered(full.stderr) == kept.count, "the count is of records written: \(full.stderr)")
        #expect(kept == Array(lines.prefix(kept.count)))

        // Room again: the same command sends the rest, and the file holds every event once.
        if let tmpfs { try FileManager.default.removeItem(atPath: tmpfs.path + "/filler") }
        let again = try CLI.run(arguments)
        #expect(again.status == 4, "\(again.stderr)")
        #expect(try Self.recordLines(dead) == lines)
        let out = folder.path("resent.jsonl")
        let resent = try CLI.run(["replay", "--to", "jsonl", "--set", "filePath=\(out)", "--from-dead-letter", dead])
        #expect(resent.status == 0, "\(resent.stderr)")
        #expect(ReplaySample.read(out) == lines)
    }

    @Test func aTornRecordLeftByACrashIsCutBeforeAppending() throws {
        let folder = try TemporaryDirectory()
        let lines = ReplaySample.lines(5)
        let first = try folder.write("first.jsonl", lines.prefix(2).joined(separator: "\n") + "\n")
        let second = try folder.write("second.jsonl", lines.suffix(3).joined(separator: "\n") + "\n")
        let dead = folder.path("dead.jsonl")
        #expect(try CLI.run(["replay", "-q"] + Self.failing + ["--dead-letter", dead, first]).status == 4)
        let torn = #"{"exporter":"cust"#
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dead))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(torn.utf8))
        try handle.close()

        let result = try CLI.run(["replay"] + Self.failing + ["--dead-letter", dead, second])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "warning: dead-letter file \(dead) ended in \(torn.utf8.count) bytes of a torn record"
            ),
            "\(result.stderr)"
        )
        #expect(try Self.recordLines(dead) == lines)
        let out = folder.path("resent.jsonl")
        let resent = try CLI.run(["replay", "--to", "jsonl", "--set", "filePath=\(out)", "--from-dead-letter", dead])
        #expect(resent.status == 0, "\(resent.stderr)")
        #expect(!resent.stderr.contains("bad line"), "\(resent.stderr)")
        #expect(ReplaySample.read(out) == lines)
    }
}
