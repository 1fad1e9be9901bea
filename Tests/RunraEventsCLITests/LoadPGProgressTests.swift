import Foundation
import RunraTestSupport
import Testing

/// `load-pg` on a terminal (a pseudo-terminal): a progress line while it loads, and Ctrl-C stops reading, commits
/// the batches in flight, says how many rows were committed and exits 130; the table holds exactly those rows.
/// Not on a terminal, or with `-q`, there is no progress line.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] != nil), .timeLimit(.minutes(5)))
struct LoadPGProgressTests {
    let url = ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] ?? ""

    func onTerminal(_ arguments: [String], interruptAfter trigger: String? = nil) throws -> CLIResult? {
        guard let python = ExternalTool.find("python3", package: "python3") else { return nil }
        let script = CLI.packageRoot.appendingPathComponent("Tests/Servers/pty_run.py").path
        let interrupt = trigger.map { ["--interrupt-after", $0] } ?? []
        return try python.run([script] + interrupt + ["--", CLI.executable.path] + arguments)
    }

    func rows(_ table: String) throws -> Int? {
        guard let psql = ExternalTool.find("psql", package: "postgresql-client") else { return nil }
        let result = try psql.run(["-X", "-A", "-t", url, "-c", "SELECT count(*) FROM \(table)"])
        return Int(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func ctrlCCommitsWhatIsInFlightAndSaysHowMuch() throws {
        let directory = try TemporaryDirectory()
        let log = directory.path("big.jsonl")
        #expect(try CLI.run(["generate", "-q", "--events", "400000", "--seed", "5", "--out", log]).status == 0)
        let table = "runra_ctrl_c_\(UInt32.random(in: 0...UInt32.max))"
        let arguments = ["load-pg", "--database-url", url, "--table", table, "--batch-size", "2000", log]
        guard let result = try onTerminal(arguments, interruptAfter: "rows committed") else { return }
        let text = result.stdoutText
        #expect(result.status == 130, "\(text.suffix(800))")
        #expect(
            text.contains("load-pg: ") && text.contains("% of ") && text.contains("rows/s"),
            "no progress: \(text.suffix(800))"
        )
        let summary = try #require(
            text.split(whereSeparator: \.isNewline).last {
                $0.contains("runra-events: interrupted: ") && $0.contains("rows committed (")
            },
            "\(text.suffix(800))"
        )
        let committed = Int(summary.split(separator: " ")[2])
        #expect(committed != nil && committed! < 400_000, "\(summary)")
        #expect(try rows(table) == committed, "the table holds what the message says was committed")
    }

    @Test func noProgressLineWhenNotOnATerminalOrQuiet() throws {
        let directory = try TemporaryDirectory()
        let log = directory.path("small.jsonl")
        #expect(try CLI.run(["generate", "-q", "--events", "3000", "--seed", "6", "--out", log]).status == 0)
        let table = "runra_progress_\(UInt32.random(in: 0...UInt32.max))"
        let piped = try CLI.run(["load-pg", "--database-url", url, "--table", table, "--batch-size", "500", log])
        #expect(piped.status == 0 && !piped.stderr.contains("rows committed"), "\(piped.stderr)")
        guard let quiet = try onTerminal(["load-pg", "-q", "--database-url", url, "--table", table, log]) else {
            return
        }
        #expect(quiet.status == 0 && quiet.stdoutText.isEmpty, "\(quiet.stdoutText)")
    }
}
