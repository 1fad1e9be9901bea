import Foundation
import RunraTestSupport
import Testing

/// `stats` and `filter` on a terminal (a pseudo-terminal) show a progress line on standard error while they read a
/// long input, and erase it before the report; piped, with `-q`, or (filter) over events going to the same
/// terminal, there is none. The input pauses a second midway, so the line is due however fast the build is.
@Suite(.timeLimit(.minutes(5))) struct ReadProgressTests {
    static func pausedInput(_ directory: TemporaryDirectory) throws -> String {
        let log = directory.path("events.jsonl")
        #expect(try CLI.run(["generate", "-q", "--events", "40000", "--seed", "9", "--out", log]).status == 0)
        return "( head -c 3000000 \(log); sleep 1; tail -c +3000001 \(log) )"
    }

    func onTerminal(_ shellCommand: String) throws -> String? {
        guard let python = ExternalTool.find("python3", package: "python3") else { return nil }
        let script = CLI.packageRoot.appendingPathComponent("Tests/Servers/pty_run.py").path
        let result = try python.run([script, "--", "bash", "-c", shellCommand])
        #expect(result.status == 0, "\(result.stdoutText.suffix(500))")
        return result.stdoutText
    }

    @Test func statsShowsProgressThenTheReport() throws {
        let directory = try TemporaryDirectory()
        let input = try Self.pausedInput(directory)
        guard let shown = try onTerminal("\(input) | \(CLI.executable.path) stats") else { return }
        #expect(shown.contains("\r\u{1B}[Kstats: ") && shown.contains(" MB read"), "\(shown.prefix(300))")
        #expect(shown.contains("\r\u{1B}[KEvents by type (40000 selected)"), "the line is not erased before the report")
        guard let quiet = try onTerminal("\(input) | \(CLI.executable.path) stats -q") else { return }
        #expect(!quiet.contains("stats: "))
    }

    @Test func filterShowsProgressOnlyWhenItsOutputGoesElsewhere() throws {
        let directory = try TemporaryDirectory()
        let input = try Self.pausedInput(directory)
        let runra = CLI.executable.path
        let expected = try ExternalTool(name: "bash", path: "/bin/bash").run([
            "-c", "\(input) | \(runra) filter -c -t exec.completed",
        ])
        guard let counting = try onTerminal("\(input) | \(runra) filter -c -t exec.completed") else { return }
        #expect(counting.contains("\r\u{1B}[Kfilter: "), "\(counting.suffix(200))")
        #expect(counting.hasSuffix("\r\u{1B}[K" + expected.stdoutText.dropLast() + "\r\n"), "\(counting.suffix(200))")
        guard let toTerminal = try onTerminal("\(input) | \(runra) filter -t exec.completed -n 5") else { return }
        #expect(!toTerminal.contains("filter: "))
        let piped = try ExternalTool(name: "bash", path: "/bin/bash").run(["-c", "\(input) | \(runra) filter -c"])
        #expect(piped.stdoutText == "40000\n" && piped.stderr.isEmpty, "\(piped.stderr)")
    }
}
