import Foundation
import RunraTestSupport
import Testing

/// `-q/--quiet` on every command (SPEC §9: no progress, no summary): a successful run prints its data and nothing
/// else; reports, summaries and bad-line notes are gone from both streams.
@Suite(.timeLimit(.minutes(5))) struct QuietFlagTests {
    static let good =
        #"{"id":"q1","timestamp":"2026-06-15T10:30:00Z","type":"exec.completed","sandboxId":"sb","runId":"r","data":"#
        + #"{"exitCode":0,"durationMs":5}}"#
    static let bad = "not json"

    func input(_ directory: TemporaryDirectory) throws -> String {
        try directory.write("in.jsonl", Self.good + "\n" + Self.bad + "\n")
    }

    @Test func filterStatsAndTailPrintOnlyTheirData() throws {
        let directory = try TemporaryDirectory()
        let file = try input(directory)
        for (arguments, data) in [
            (["filter", "-q", file], Self.good + "\n"),
            (["filter", "-q", "-c", file], "1\n"),
            (["tail", "-q", "-n", "1", "-o", "jsonl", file], Self.good + "\n"),
        ] {
            let result = try CLI.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdoutText == data, "\(arguments)")
            #expect(result.stderr.isEmpty, "\(arguments) printed: \(result.stderr)")
        }
        let stats = try CLI.run(["stats", "-q", "-o", "json", file])
        #expect(stats.status == 0)
        #expect(stats.stderr.isEmpty, "stats printed: \(stats.stderr)")
        #expect((try? JSONSerialization.jsonObject(with: stats.stdout)) != nil)
    }

    @Test func rotateReplayAndGeneratePrintNothing() throws {
        let directory = try TemporaryDirectory()
        let file = try input(directory)
        let out = directory.path("out.jsonl")
        let generated = directory.path("generated.jsonl")
        for arguments in [
            ["replay", "-q", "--to", "jsonl", "--set", "filePath=\(out)", file],
            ["rotate", "-q", "--force", out],
            ["rotate", "-q", "--verbose", "--force", out],
            ["generate", "-q", "--verbose", "--events", "10", "--out", generated],
        ] {
            let result = try CLI.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments) printed: \(result.stdoutText)")
            #expect(result.stderr.isEmpty, "\(arguments) printed: \(result.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: out + ".1.gz"))
        #expect(ReplaySample.read(generated).count == 10)
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] != nil))
    func loadPGPrintsNothing() throws {
        let url = ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] ?? ""
        let directory = try TemporaryDirectory()
        let file = try input(directory)
        let table = "runra_quiet_\(UInt32.random(in: 0...UInt32.max))"
        let result = try CLI.run(["load-pg", "-q", "--database-url", url, "--table", table, file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty, "load-pg -q printed: \(result.stdoutText)")
        #expect(result.stderr.isEmpty, "load-pg -q printed: \(result.stderr)")
        // Without -q the report is there (so the test above can fail).
        let loud = try CLI.run(["load-pg", "--database-url", url, "--table", table, file])
        #expect(loud.stdoutText.contains("1 duplicates"), "\(loud.stdoutText)")
        try dropTable(table, url: url)
    }

    private func dropTable(_ table: String, url: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-X", "-q", "-c", "DROP TABLE IF EXISTS \(table)"]
        try process.run()
        try process.waitForExit()
    }
}
