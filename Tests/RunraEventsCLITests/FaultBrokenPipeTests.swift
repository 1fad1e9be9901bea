import Foundation
import RunraTestSupport
import Testing

/// SIGPIPE: the reader of standard output goes away (`… | head -1`). Every command ends quietly with status 0, as
/// grep does (`filter` has its own test in FilterCommandTests). Each writes far more than a pipe holds, so the
/// write really fails.
@Suite(.timeLimit(.minutes(5))) struct FaultBrokenPipeTests {
    @Test(arguments: [
        ["stats", "-o", "csv", "--by", "id", "$BIG"],
        ["tail", "-n", "100000", "$BIG"],
        ["generate", "--events", "100000"],
        ["replay", "--to", "console", "$BIG"],
        ["replay", "--to", "console", "--set", "format=json", "$BIG"],
    ])
    func closedPipeEndsQuietlyWithStatusZero(_ arguments: [String]) throws {
        let folder = try TemporaryDirectory()
        let result = try FaultShell.pipedIntoHead(arguments.map { $0 == "$BIG" ? FaultSample.big : $0 }, folder: folder)
        #expect(result.status == "0", "\(arguments): \(result.stderr)")
        #expect(result.stderr.isEmpty, "\(arguments): \(result.stderr)")
    }

    /// With another exporter beside the console, replay stops reading as after Ctrl-C: the other exporter gets and
    /// flushes what was read, and the checkpoint stays before the console's undelivered batches, so the same command
    /// again resumes from there.
    @Test func replayKeepsFeedingTheOtherExportersAndCheckpoints() throws {
        let folder = try TemporaryDirectory()
        let (input, lines) = try ReplaySample.file(folder, 20000)
        let out = folder.path("out.jsonl")
        let checkpoint = folder.path("replay.ckpt")
        let config = try folder.write(
            "two.yaml",
            """
            exporters:
              - provider: console
                config: { format: json }
              - provider: jsonl
                config: { filePath: "\(out)" }
            """
        )
        let arguments = ["replay", "--config", config, "--checkpoint", checkpoint, input]
        let result = try FaultShell.pipedIntoHead(arguments, folder: folder)
        #expect(result.status == "0", "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let first = ReplaySample.read(out)
        #expect(first == Array(lines.prefix(first.count)) && !first.isEmpty)
        let data = try #require(FileManager.default.contents(atPath: checkpoint))
        let committed = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["line"] as? Int)
        #expect(committed < lines.count)

        let again = try CLI.run(arguments)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdoutLines == Array(lines.suffix(from: committed)))
        #expect(Set(ReplaySample.read(out)) == Set(lines))
    }
}
