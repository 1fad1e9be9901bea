import Foundation
import Testing

/// The runtime's arrow conditions on the command line, and misspelt roots refused with exit 2 (SPEC §10).
@Suite(.timeLimit(.minutes(5))) struct RuntimeConditionCLITests {
    let small = CLI.fixture("events/small.jsonl")

    private func ids(_ result: CLIResult) -> [String] {
        result.stdoutLines.compactMap { line in
            line.range(of: #""id":"[^"]*""#, options: .regularExpression).map {
                String(line[$0].dropFirst(6).dropLast())
            }
        }
    }

    @Test(arguments: [
        ("(e) => e.data.exitCode !== 0", "data.exitCode != 0"),
        (#"(e) => !e.type.startsWith("exec.")"#, #"!(type startsWith "exec.")"#),
        (#"e => e.data?.command?.includes("npm")"#, #"data.command contains "npm""#),
    ])
    func arrowFormSelectsWhatTodaysFormSelects(_ arrow: String, _ plain: String) throws {
        let a = try CLI.run(["filter", "--where", arrow, small])
        let b = try CLI.run(["filter", "--where", plain, small])
        #expect(a.status == b.status)
        #expect(a.stdout == b.stdout)
        #expect(!ids(a).isEmpty || a.status == 1)
    }

    @Test(arguments: [
        (
            ["filter", "--where", "e.data.exitCode != 0"],
            "did you mean data.exitCode? (or write the arrow form: (e) => e.data.exitCode …)"
        ),
        (
            ["filter", "--where", "dta.exitCode != 0"],
            "'dta' is not a field of an event (id, timestamp, type, sandboxId, runId, data); did you "
                + "mean data.exitCode?"
        ),
        (["filter", "-o", "csv", "--fields", "id,dta.command"], "did you mean data.command?"),
        (["stats", "--by", "sandboxid"], "did you mean sandboxId?"),
        (["stats", "--metric", "durationMs"], "did you mean data.durationMs?"),
        (["tail", "-n", "1", "--where", "typ == 'x'"], "did you mean type?"),
        (["filter", "--where", "(e) => { return e.data.exitCode !== 0 }"], "a block body '{ … }' is not accepted"),
    ])
    func misspeltRootsAndRefusedFormsExitTwo(_ arguments: [String], _ says: String) throws {
        let result = try CLI.run(arguments + [small])
        #expect(result.status == 2)
        #expect(result.stderr.contains(says), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func failIfTakesTheArrowForm() throws {
        let result = try CLI.run(["stats", "-q", "--fail-if", "(row) => row.count > 0", small])
        #expect(result.status == 3)
    }

    @Test func replayHelpShowsTheRuntimeForms() throws {
        // Help wraps at the terminal's width: compare with runs of white space made one space.
        let help = try CLI.run(["replay", "--help"]).stdoutText.split(whereSeparator: \.isWhitespace).joined(
            separator: " "
        )
        #expect(help.contains("--where '(e) => e.data.exitCode !== 0'"))
        #expect(help.contains(#"--where '(e) => !e.type.startsWith("file.")'"#))
        #expect(help.contains("condition: (e) => e.data.exitCode !== 0"))
    }
}
