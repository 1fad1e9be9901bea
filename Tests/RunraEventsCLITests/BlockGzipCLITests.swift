import Foundation
import RunraTestSupport
import Testing

/// Block gzip end to end: what `generate --gzip` and `rotate` write reads the same as the plain log, from a file
/// and from a pipe, forwards (`filter`, `stats`) and backwards (`tail`), and with `--since` skipping members.
@Suite(.timeLimit(.minutes(5))) struct BlockGzipCLITests {
    /// A plain log of 20,000 events (several 1 MiB members once compressed) and its `generate --gzip` twin.
    static func logs(_ directory: TemporaryDirectory) throws -> (plain: String, gz: String) {
        let plain = directory.path("events.jsonl")
        let gz = directory.path("events.jsonl.gz")
        #expect(try CLI.run(["generate", "--events", "20000", "--seed", "5", "--out", plain]).status == 0)
        #expect(try CLI.run(["generate", "--events", "20000", "--seed", "5", "--gzip", "--out", gz]).status == 0)
        return (plain, gz)
    }

    @Test func filterStatsAndTailReadTheBlockGzipAsThePlainLog() throws {
        let directory = try TemporaryDirectory()
        let (plain, gz) = try Self.logs(directory)
        let gzBytes = try Data(contentsOf: URL(fileURLWithPath: gz))
        for arguments in [
            ["filter", "-t", "exec.*"],
            ["filter", "--since", "2026-06-15T11:00:00Z", "--until", "2026-06-15T11:30:00Z"],
            ["stats", "--by", "data.command", "-o", "json"],
            ["tail", "-n", "25"],
            ["tail", "-n", "3", "-t", "sandbox.created"],
        ] {
            let expected = try CLI.run(arguments + [plain])
            let fromFile = try CLI.run(arguments + [gz])
            let fromPipe = try CLI.run(arguments + ["-"], stdin: gzBytes)
            #expect(expected.status == 0 && !expected.stdout.isEmpty, "\(arguments)")
            #expect(fromFile.status == 0 && fromFile.stdout == expected.stdout, "\(arguments) on the file")
            #expect(fromPipe.status == 0 && fromPipe.stdout == expected.stdout, "\(arguments) from a pipe")
        }
    }

    @Test func rotateWritesBlockGzipThatGzipReads() throws {
        let directory = try TemporaryDirectory()
        let (plain, _) = try Self.logs(directory)
        let original = try Data(contentsOf: URL(fileURLWithPath: plain))
        #expect(try CLI.run(["rotate", "--force", plain]).status == 0)
        let rotated = try Data(contentsOf: URL(fileURLWithPath: plain + ".1.gz"))
        // The first member's header carries the block-gzip subfield "RE".
        #expect(
            rotated.count > 16 && rotated[3] == 0x04 && rotated[12] == UInt8(ascii: "R")
                && rotated[13] == UInt8(ascii: "E")
        )
        #expect(try gunzip(rotated) == original)
        let tail = try CLI.run(["tail", "-n", "5", plain + ".1.gz"])
        let lines = String(decoding: original, as: UTF8.self).split(separator: "\n").suffix(5).map(String.init)
        #expect(tail.status == 0 && tail.stdoutLines == lines)
    }
}
