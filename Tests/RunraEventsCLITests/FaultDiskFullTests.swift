import Foundation
import RunraTestSupport
import Testing

/// A full disk while writing: `/dev/full` (ENOSPC on every write) and a file-size limit (`ulimit -f`: EFBIG once the
/// file reaches it). Commands that write data fail with a clear message and exit 2; replay's exporters give up on
/// the events (exit 4); the jsonl writer leaves no partial line, and a checkpoint lets a re-run deliver the rest.
@Suite(.timeLimit(.minutes(5))) struct FaultDiskFullTests {
    static let noSpace = "No space left on device"

    /// Commands whose standard output is /dev/full: exit 2, the reason on stderr.
    @Test(arguments: [
        ["filter", "$IN"],
        ["filter", "-o", "csv", "--fields", "id,type", "$IN"],
        ["stats", "-o", "csv", "--by", "sandboxId", "$IN"],
        ["tail", "-n", "20", "$IN"],
        ["generate", "--events", "5000"],
    ])
    func standardOutputOnAFullDiskExitsTwo(_ arguments: [String]) throws {
        let folder = try TemporaryDirectory()
        let input = try folder.write("in.jsonl", ReplaySample.lines(3000).joined(separator: "\n") + "\n")
        let command = FaultShell.command(arguments.map { $0 == "$IN" ? input : $0 })
        let result = try FaultShell.run("exec \(command) > /dev/full")
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(
            result.stderr.contains("runra-events: error: cannot write to standard output: \(Self.noSpace)"),
            "\(result.stderr)"
        )
    }

    @Test func generateOutOnAFullDeviceExitsTwo() throws {
        let result = try CLI.run(["generate", "--events", "5000", "--out", "/dev/full"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot write to /dev/full: \(Self.noSpace)"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: "/dev/full"))  // a device is never removed
    }

    @Test func filterDeadLetterOnAFullDeviceExitsTwo() throws {
        let input = ReplaySample.lines(20).joined(separator: "\n") + "\nnot json\n"
        let result = try CLI.run(["filter", "--dead-letter", "/dev/full"], stdin: Data(input.utf8))
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot write to /dev/full: \(Self.noSpace)"), "\(result.stderr)")
    }

    /// SPEC §4: an exporter that fails is exit 4, with the reason and the count in the summary.
    @Test(arguments: [["--to", "jsonl", "--set", "filePath=/dev/full"], ["--to", "console"]])
    func replayIntoAFullDeviceGivesUpAndExitsFour(_ exporter: [String]) throws {
        let folder = try TemporaryDirectory()
        let (input, _) = try ReplaySample.file(folder, 500)
        let command = FaultShell.command(["replay"] + exporter + [input])
        let result = try FaultShell.run("exec \(command) > /dev/full")
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains(Self.noSpace))
        #expect(result.stderr.contains("500 refused or given-up events were not kept"), "\(result.stderr)")
    }

    /// `ulimit -f`: the jsonl exporter's write stops part-way through a batch with EFBIG (not SIGXFSZ). The file
    /// is cut back to the size before that batch, so it holds whole lines only, and the checkpoint stays before the
    /// first given-up batch, so running the same
    /// command again (without the limit) delivers every event.
    @Test func fileSizeLimitLeavesWholeLinesAndTheCheckpointResends() throws {
        let folder = try TemporaryDirectory()
        let (input, lines) = try ReplaySample.file(folder, 3000)
        let out = folder.path("out.jsonl")
        let checkpoint = folder.path("replay.ckpt")
        let arguments = [
            "replay", "--to", "jsonl", "--set", "filePath=\(out)", "--set", "batchSize=64", "--checkpoint", checkpoint,
            input,
        ]
        // 120 blocks (60 KiB in dash, 120 KiB in bash): a fraction of the ~470 KB of input, and not a line boundary.
        let limited = try FaultShell.run("ulimit -f 120 && exec \(FaultShell.command(arguments))")
        #expect(limited.status == 4, "\(limited.stderr)")
        #expect(limited.stderr.contains("File too large"), "\(limited.stderr)")
        #expect(limited.stderr.contains("run the same command again"), "\(limited.stderr)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        // Whole input lines only, in input order (a later, smaller batch may still fit under the limit).
        let written = ReplaySample.read(out)
        let index = Dictionary(uniqueKeysWithValues: lines.enumerated().map { ($0.element, $0.offset) })
        let positions = written.map { index[$0] ?? -1 }
        #expect(!positions.contains(-1), "a line that is not an input line")
        #expect(positions == positions.sorted() && Set(positions).count == positions.count)
        #expect(!written.isEmpty && written.count < lines.count, "\(written.count) of \(lines.count) lines")
        let data = try #require(FileManager.default.contents(atPath: checkpoint))
        let committed = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["line"] as? Int)
        #expect(committed > 0 && committed <= written.count)
        #expect(positions.prefix(committed) == Array(0..<committed)[...])

        let again = try CLI.run(arguments)
        #expect(again.status == 0, "\(again.stderr)")
        let output = ReplaySample.read(out)
        let expected = written + Array(lines.suffix(from: committed))
        #expect(
            output.count == expected.count && output == expected,
            "\(output.count) lines, expected \(expected.count)"
        )
        #expect(Set(output).count == lines.count)
    }

    @Test func generateOutPastAFileSizeLimitRemovesTheIncompleteFile() throws {
        let folder = try TemporaryDirectory()
        let out = folder.path("gen.jsonl")
        let result = try FaultShell.run(
            "ulimit -f 40 && exec \(FaultShell.command(["generate", "--events", "5000", "--out", out]))"
        )
        #expect(result.status == 2)
        #expect(
            result.stderr.contains("cannot write to \(out): File too large (removed the incomplete \(out))"),
            "\(result.stderr)"
        )
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
