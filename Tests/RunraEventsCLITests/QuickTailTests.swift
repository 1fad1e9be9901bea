import Foundation
import RunraTestSupport
import Testing

@testable import runra_events

/// `tail [-n N] FILE` runs without ArgumentParser (`QuickTail`): which forms take that path, and that each does
/// exactly what the parsed command does with the same arguments.
@Suite(.timeLimit(.minutes(5))) struct QuickTailTests {
    /// What the quick path makes of `arguments`, as "lines path".
    private static func quick(_ arguments: String...) -> String? {
        QuickTail(arguments: ["runra-events"] + arguments).map { "\($0.lines) \($0.path)" }
    }

    @Test func recognisesOnlyAFileAndACount() {
        #expect(Self.quick("tail", "app.jsonl") == "10 app.jsonl")
        #expect(Self.quick("tail", "-n", "3", "app.jsonl") == "3 app.jsonl")
        #expect(Self.quick("tail", "--lines", "0", "app.jsonl") == "0 app.jsonl")
        #expect(Self.quick("tail", "--lines=25", "app.jsonl") == "25 app.jsonl")
        #expect(Self.quick("tail", "app.jsonl", "-n", "007") == "7 app.jsonl")
        #expect(Self.quick("tail", "-n", "999999999", "x.gz") == "999999999 x.gz")
    }

    @Test func leavesEverythingElseToTheArgumentParser() {
        let declined: [[String]] = [
            ["tail"],  // standard input
            ["tail", "-"],
            ["tail", "-n", "3"],
            ["tail", "-n", "3", "-"],
            ["tail", "-n", "-1", "app.jsonl"],  // a usage error ArgumentParser explains
            ["tail", "-n", "+1", "app.jsonl"],
            ["tail", "-n", "", "app.jsonl"],
            ["tail", "-n", "1e3", "app.jsonl"],
            ["tail", "-n", "1234567890", "app.jsonl"],  // ten digits: may not fit where ArgumentParser says why
            ["tail", "-n", "3", "-n", "4", "app.jsonl"],
            ["tail", "--lines=", "app.jsonl"],
            ["tail", "-n3", "app.jsonl"],
            ["tail", "a.jsonl", "b.jsonl"],
            ["tail", "-f", "app.jsonl"],
            ["tail", "-q", "app.jsonl"],
            ["tail", "--", "app.jsonl"],
            ["tail", "--help"],
            ["tail", "help"],
            ["tail", ""],
            ["filter", "app.jsonl"],
            ["tail", "-n", "3", "app.jsonl", "extra"],
        ]
        for arguments in declined {
            #expect(QuickTail(arguments: ["runra-events"] + arguments) == nil, "\(arguments)")
        }
    }

    /// Each quick form against the same command with `--color auto` (its default), which the quick path leaves to
    /// ArgumentParser: standard output, standard error and exit status must be the same, for good and bad input.
    @Test func doesWhatTheParsedCommandDoes() throws {
        let dir = try TemporaryDirectory()
        let good = try dir.write("good.jsonl", TailCommandTests.lines(1...40))
        let gz = try CLI.gzipInPlace(try dir.write("old.jsonl", TailCommandTests.lines(1...200)))
        let bad = try dir.write(
            "bad.jsonl",
            TailCommandTests.lines(1...3) + "{not json\n" + TailCommandTests.lines(4...5) + "{\"id\":1}\n"
                + TailCommandTests.lines(6...6) + String(repeating: "x", count: 10) + "\n"
        )
        let unterminated = try dir.write(
            "unterminated.jsonl",
            TailCommandTests.lines(1...5) + TailCommandTests.event(6)
        )
        let empty = try dir.write("empty.jsonl", "")
        let blank = try dir.write("blank.jsonl", "\n\n")
        let cases: [[String]] = [
            ["tail", good],
            ["tail", "-n", "3", good],
            ["tail", "--lines", "0", good],
            ["tail", "--lines=50", good],
            ["tail", gz, "-n", "4"],
            ["tail", "-n", "8", bad],
            ["tail", "-n", "2", unterminated],
            ["tail", empty],
            ["tail", blank],
            ["tail", dir.path("missing.jsonl")],
            ["tail", dir.path("")],  // a directory
        ]
        for arguments in cases {
            #expect(QuickTail(arguments: ["runra-events"] + arguments) != nil, "\(arguments)")
            let quick = try CLI.run(arguments)
            let parsed = try CLI.run([arguments[0], "--color", "auto"] + arguments.dropFirst())
            #expect(quick.status == parsed.status, "\(arguments)")
            #expect(quick.stdout == parsed.stdout, "\(arguments)")
            #expect(quick.stderr == parsed.stderr, "\(arguments)")
        }
        // The cases above are not all alike: a test of one kind of outcome could not tell the paths apart.
        let outcomes = try cases.map { try CLI.run($0).status }
        #expect(Set(outcomes) == [0, 2], "\(outcomes)")
        #expect(try CLI.run(["tail", "-n", "8", bad]).stderr.contains("bad line"))
    }
}
