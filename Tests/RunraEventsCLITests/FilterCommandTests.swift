import Foundation
import RunraTestSupport
import Testing

@Suite(.timeLimit(.minutes(5))) struct FilterCommandTests {
    let small = CLI.fixture("events/small.jsonl")

    func ids(_ result: CLIResult) -> [String] {
        result.stdoutLines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        }
    }

    @Test func jsonlOutputIsTheInputLineByteForByte() throws {
        let result = try CLI.run(["filter", small])
        #expect(result.status == 0)
        #expect(result.stdout == (try Data(contentsOf: URL(fileURLWithPath: small))))
    }

    @Test(arguments: [
        (["-t", "exec.*"], ["evt_2", "evt_3", "evt_5"]),
        (["-t", "exec.completed", "-t", "sandbox.*"], ["evt_1", "evt_3", "evt_5", "evt_6"]),
        (["--not-type", "exec.*"], ["evt_1", "evt_4", "evt_6", "evt_7"]),
        (["--sandbox", "sb_b"], ["evt_5", "evt_6", "evt_7"]),
        (["--run", "run_1", "-t", "exec.completed"], ["evt_3"]),
        (["--since", "2026-06-15T10:30:02.500Z", "--until", "2026-06-15T10:30:05Z"], ["evt_3", "evt_4", "evt_5"]),
        (["--min-level", "error"], ["evt_3", "evt_6"]),
        (["--min-level", "info"], ["evt_1", "evt_2", "evt_3", "evt_5", "evt_6", "evt_7"]),
        (["--where", "data.exitCode != 0"], ["evt_1", "evt_2", "evt_3", "evt_4", "evt_6", "evt_7"]),
        (["-t", "exec.completed", "--where", "data.durationMs < 100"], ["evt_5"]),
        (["--where", #"data["odd key"][2].deep == true"#], ["evt_7"]),
        (["--where", ".extra == \"kept\""], ["evt_7"]),
        (["-v", "-t", "exec.*"], ["evt_1", "evt_4", "evt_6", "evt_7"]),
        (["-n", "2", "-t", "exec.*"], ["evt_2", "evt_3"]),
        (["-w", "data.text contains \"東京\""], ["evt_4"]),
    ])
    func selectionOptions(_ arguments: [String], _ expected: [String]) throws {
        let result = try CLI.run(["filter"] + arguments + [small])
        #expect(ids(result) == expected)
        #expect(result.status == 0)
    }

    @Test func nothingMatchedExitsOne() throws {
        let result = try CLI.run(["filter", "-t", "no.such", small])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let counted = try CLI.run(["filter", "-c", "-t", "no.such", small])
        #expect(counted.stdoutText == "0\n")
        #expect(counted.status == 1)
    }

    @Test func countAndStandardInput() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: small))
        let result = try CLI.run(["filter", "-c", "-t", "exec.*"], stdin: data)
        #expect(result.stdoutText == "3\n")
        let dash = try CLI.run(["filter", "-c", "-", small], stdin: data)
        #expect(dash.stdoutText == "14\n")
    }

    @Test func csvQuotesAndTSVEscapes() throws {
        let line = #"{"id":"q","type":"t","data":{"s":"a,\"b\"\nc\td\\e","n":1.50,"o":{"x":[1]},"z":null}}"#
        let csv = try CLI.run(
            ["filter", "-o", "csv", "--fields", "id,data.s,data.n,data.o,data.z,data.missing"],
            stdin: Data((line + "\n").utf8)
        )
        #expect(
            csv.stdoutText
                == "id,data.s,data.n,data.o,data.z,data.missing\nq,\"a,\"\"b\"\"\nc\td\\e\","
                + "1.50,\"{\"\"x\"\":[1]}\",,\n"
        )
        let tsv = try CLI.run(
            ["filter", "-o", "tsv", "--no-header", "--fields", "id,data.s"],
            stdin: Data((line + "\n").utf8)
        )
        #expect(tsv.stdoutText == "q\ta,\"b\"\\nc\\td\\\\e\n")
    }

    @Test func jsonOutputIsOneArray() throws {
        let whole = try CLI.run(["filter", "-o", "json", "-t", "exec.completed", small])
        let array = try JSONSerialization.jsonObject(with: whole.stdout) as? [[String: Any]]
        #expect(array?.map { $0["id"] as? String } == ["evt_3", "evt_5"])
        let projected = try CLI.run([
            "filter", "-o", "json", "--fields", "id,data.durationMs", "-t", "exec.completed", small,
        ])
        let rows = try JSONSerialization.jsonObject(with: projected.stdout) as? [[String: Any]]
        #expect(rows?.count == 2)
        #expect(rows?.first?["data.durationMs"] as? Int == 1500)
        let empty = try CLI.run(["filter", "-o", "json", "-t", "none", small])
        #expect(empty.stdoutText == "[]\n")
        #expect(empty.status == 1)
        let limited = try CLI.run(["filter", "-o", "json", "-n", "1", small])
        #expect((try JSONSerialization.jsonObject(with: limited.stdout) as? [Any])?.count == 1)
    }

    @Test func prettyOutputIsReadableAndColorsOnlyWhenAsked() throws {
        let plain = try CLI.run(["filter", "-o", "pretty", "-t", "exec.completed", small])
        #expect(
            plain.stdoutLines.first
                == #"2026-06-15T10:30:02.500Z ERROR exec.completed sb_a run_1 command="npm test" "#
                + #"exitCode=1 durationMs=1500"#
        )
        #expect(!plain.stdoutText.contains("\u{1B}["))
        let colored = try CLI.run(["filter", "-o", "pretty", "--color", "always", small])
        #expect(colored.stdoutText.contains("\u{1B}["))
        let noColor = try CLI.run(["filter", "-o", "pretty", "--color", "auto", small], environment: ["NO_COLOR": "1"])
        #expect(!noColor.stdoutText.contains("\u{1B}["))
    }

    @Test func badLinesAreReportedSkippedAndCounted() throws {
        let result = try CLI.run(["filter", CLI.fixture("events/malformed.jsonl")])
        #expect(result.status == 0)
        #expect(ids(result) == ["ok_1", "ok_2"])
        let malformed = CLI.fixture("events/malformed.jsonl")
        #expect(result.stderr.contains("\(malformed):2: invalid JSON"))
        #expect(result.stderr.contains("\(malformed):3: not a JSON object"))
        #expect(result.stderr.contains("\(malformed):4: no \"type\" field"))
        #expect(result.stderr.contains("5 bad lines skipped"))
    }

    @Test func strictMakesABadLineAnError() throws {
        let result = try CLI.run(["filter", "--strict", CLI.fixture("events/malformed.jsonl")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("malformed.jsonl:2:"))
        #expect(result.stderr.contains("--strict"))
    }

    @Test func deadLetterKeepsBadLinesVerbatim() throws {
        let folder = try TemporaryDirectory()
        let deadLetter = folder.path("bad.jsonl")
        let result = try CLI.run([
            "filter", "-q", "--dead-letter", deadLetter, CLI.fixture("events/malformed.jsonl"),
            CLI.fixture("events/invalid-utf8.jsonl"),
        ])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let kept = try Data(contentsOf: URL(fileURLWithPath: deadLetter))
        let source = try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("events/malformed.jsonl")))
        let sourceLines = source.split(separator: 0x0A, omittingEmptySubsequences: false).map { Data($0) }
        var expected = Data()
        for index in [1, 2, 3, 7, 8] {
            expected.append(sourceLines[index])
            expected.append(0x0A)
        }
        let invalid = try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("events/invalid-utf8.jsonl")))
        expected.append(invalid.split(separator: 0x0A)[0])
        expected.append(0x0A)
        #expect(kept == expected)
    }

    @Test func everyLineBadExitsOneAndStrictTwo() throws {
        let input = Data("not json\n[1]\n{\"no\":\"type\"}\n".utf8)
        #expect(try CLI.run(["filter"], stdin: input).status == 1)
        #expect(try CLI.run(["filter", "--strict"], stdin: input).status == 2)
    }

    @Test func unreadableInputsExitTwo() throws {
        let missing = try CLI.run(["filter", "/nonexistent/events.jsonl", small])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot open /nonexistent/events.jsonl"))
        #expect(missing.stdoutLines.count == 7)
        let truncated = try CLI.run(["filter", CLI.fixture("events/truncated.jsonl.gz")])
        #expect(truncated.status == 2)
        #expect(truncated.stdoutLines.count == 3)
        #expect(truncated.stderr.contains("truncated"))
        let directory = try CLI.run(["filter", "/tmp"])
        #expect(directory.status == 2)
    }

    @Test func usageErrorsExitTwoAndPointAtTheProblem() throws {
        let badWhere = try CLI.run(["filter", "--where", "data.x == (1", small])
        #expect(badWhere.status == 2)
        #expect(badWhere.stderr.contains("column"))
        let badLevel = try CLI.run(["filter", "--min-level", "loud", small])
        #expect(badLevel.status == 2)
        let badTime = try CLI.run(["filter", "--since", "yesterday", small])
        #expect(badTime.status == 2)
        #expect(badTime.stderr.contains("RFC 3339"))
        let badFormat = try CLI.run(["filter", "-o", "xml", small])
        #expect(badFormat.status == 2)
    }

    @Test func closedPipeEndsQuietlyWithStatusZero() throws {
        let folder = try TemporaryDirectory()
        let big = folder.path("big.jsonl")
        let generated = try CLI.run(["generate", "--events", "200000", "--seed", "5", "--out", big])
        #expect(generated.status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // POSIX sh has no PIPESTATUS: capture the filter's status by hand.
        process.arguments = [
            "-c",
            "( '\(CLI.executable.path)' filter '\(big)'; echo $? > '\(folder.path("status"))' ) | head -1 > /dev/null",
        ]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        try process.waitForExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let status = try String(contentsOfFile: folder.path("status"), encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines
        )
        #expect(status == "0")
        #expect(stderr.isEmpty)
    }
}

@Suite(.timeLimit(.minutes(5))) struct FilterRotatedSetTests {
    @Test func rotatedReadsTheWholeSetOldestFirst() throws {
        let folder = try TemporaryDirectory()
        let base = folder.path("runra-events.jsonl")
        func line(_ id: String) -> String { #"{"id":"\#(id)","type":"t","data":{}}"# + "\n" }
        _ = try folder.write("runra-events.jsonl.3", line("e1") + line("e2"))
        _ = try CLI.gzipInPlace(try folder.write("runra-events.jsonl.2", line("e3") + line("e4")))
        _ = try folder.write("runra-events.jsonl.1", line("e5"))
        _ = try folder.write("runra-events.jsonl", line("e6"))
        let result = try CLI.run(["filter", "--rotated", "-o", "csv", "--no-header", "--fields", "id", base])
        #expect(result.stdoutLines == ["e1", "e2", "e3", "e4", "e5", "e6"])
        #expect(try CLI.run(["filter", "-o", "csv", "--no-header", "--fields", "id", base]).stdoutLines == ["e6"])
        let missing = try CLI.run(["filter", "--rotated", folder.path("nothing.jsonl")])
        #expect(missing.status == 2)
    }
}
