import Foundation
import RunraTestSupport
import Testing

/// Sample events for replay tests: cycling types, `gapMs` apart, every third exec.completed failing.
enum ReplaySample {
    static func lines(_ count: Int, gapMs: Int = 10) -> [String] {
        let types = [
            "sandbox.created", "exec.completed", "agent.tool_call", "file.read", "exec.completed", "sandbox.error",
            "agent.thinking",
        ]
        return (0..<count).map { index in
            let type = types[index % types.count]
            let millis = index * gapMs
            let time = String(
                format: "2026-06-15T%02d:%02d:%02d.%03dZ",
                10 + millis / 3_600_000,
                (millis / 60000) % 60,
                (millis / 1000) % 60,
                millis % 1000
            )
            let data =
                type == "exec.completed"
                ? #"{"command":"make","exitCode":\#(index % 3 == 0 ? 1 : 0)}"# : #"{"n":\#(index)}"#
            return
                #"{"id":"evt_\#(index)","timestamp":"\#(time)","type":"\#(type)","sandboxId":"sb_\#(index % 4)","#
                + #""runId":"run_1","data":\#(data)}"#
        }
    }

    static func file(_ directory: TemporaryDirectory, _ count: Int, gapMs: Int = 10) throws -> (String, [String]) {
        let lines = lines(count, gapMs: gapMs)
        return (try directory.write("in.jsonl", lines.joined(separator: "\n") + "\n"), lines)
    }

    static func read(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}

@Suite(.timeLimit(.minutes(5))) struct ReplayCommandTests {
    @Test func fourJSONLExportersGetTheirSubsets() throws {
        let directory = try TemporaryDirectory()
        let (input, lines) = try ReplaySample.file(directory, 700)
        let config = """
            observability:
              exporters:
                - provider: jsonl
                  config: { filePath: "${OUT}/all.jsonl" }
                - provider: jsonl
                  config: { filePath: "${OUT}/exec.jsonl", batchSize: 3 }
                  filter: { types: ["exec.*"] }
                - provider: jsonl
                  config: { filePath: "${OUT}/failed.jsonl" }
                  filter: { types: [exec.completed], condition: "data.exitCode != 0" }
                - provider: jsonl
                  config: { filePath: "${OUT}/errors.jsonl" }
                  filter: { minLevel: error }
            """
        let configPath = try directory.write("replay.yaml", config)
        let result = try CLI.run(["replay", "--config", configPath, input], environment: ["OUT": directory.url.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(ReplaySample.read(directory.path("all.jsonl")) == lines)
        #expect(ReplaySample.read(directory.path("exec.jsonl")) == lines.filter { $0.contains(#""type":"exec."#) })
        let failed = lines.filter { $0.contains(#""type":"exec.completed""#) && $0.contains(#""exitCode":1"#) }
        #expect(ReplaySample.read(directory.path("failed.jsonl")) == failed)
        #expect(
            ReplaySample.read(directory.path("errors.jsonl"))
                == lines.filter { $0.contains(#""type":"sandbox.error""#) }.merged(with: failed, order: lines)
        )
        #expect(result.stderr.contains("jsonl[0]") && result.stderr.contains("jsonl[3]"))
    }

    @Test(arguments: [
        "axiom.json", "console.json", "filters.json", "jsonl.json", "multiple.json", "multiple.yaml", "otel.json",
        "postgres.json",
    ])
    func everyExampleLoadsWithDryRun(_ name: String) throws {
        let directory = try TemporaryDirectory()
        let (input, _) = try ReplaySample.file(directory, 70)
        let result = try CLI.run(["replay", "--config", CLI.fixture("config/\(name)"), "--dry-run", input])
        #expect(result.status == 0, "\(name): \(result.stderr)")
        #expect(result.stderr.contains("replay: 70 events"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "./logs/runra.jsonl.lock"))
    }

    @Test func dryRunCountsPerExporter() throws {
        let directory = try TemporaryDirectory()
        let (input, _) = try ReplaySample.file(directory, 70)
        let result = try CLI.run(["replay", "--config", CLI.fixture("config/filters.json"), "--dry-run", input])
        #expect(result.status == 0)
        let rows = result.stderr.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        // 70 events: 10 of each of 7 types; sandbox.* is 20; file.read 10; errors: 10 sandbox.error + failed
        // exec.completed.
        #expect(rows.contains { $0.prefix(3) == ["console", "60", "10"] })
        #expect(rows.contains { $0.prefix(3) == ["jsonl", "20", "50"] })
        let failed = ReplaySample.lines(70).filter { $0.contains(#""exitCode":1"#) }.count
        #expect(rows.contains { $0.prefix(3) == ["custom", "\(10 + failed)", "\(60 - failed)"] })
    }

    @Test func configurationErrorsExitTwoWithTheKeyPath() throws {
        let directory = try TemporaryDirectory()
        let (input, _) = try ReplaySample.file(directory, 5)
        let typo = try CLI.run(["replay", "--to", "jsonl", "--set", "filePath=x", "--set", "batchSzie=3", input])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("config.batchSzie: unknown key (did you mean batchSize?)"))
        let config = try directory.write(
            "c.json",
            #"{"observability":{"provider":"axiom","config":{"token":"${RUNRA_TEST_UNSET_TOKEN}"}}}"#
        )
        let unset = try CLI.run(["replay", "--config", config, input])
        #expect(unset.status == 2)
        #expect(
            unset.stderr.contains(
                "observability.config.token: the environment variable RUNRA_TEST_UNSET_TOKEN is not set"
            )
        )
        let both = try CLI.run(["replay", "--to", "console", "--config", config, input])
        #expect(both.status == 2)
    }

    @Test func givenUpEventsAreDeadLetteredAndResent() throws {
        let directory = try TemporaryDirectory()
        let (input, lines) = try ReplaySample.file(directory, 50)
        let dead = directory.path("dead.jsonl")
        // A file under /proc cannot be created: the exporter fails, every event is given up.
        let failed = try CLI.run([
            "replay", "--to", "jsonl", "--set", "filePath=/proc/runra-no/x.jsonl", "--dead-letter", dead, input,
        ])
        #expect(failed.status == 4, "\(failed.stderr)")
        let records = ReplaySample.read(dead)
        #expect(records.count == 50)
        #expect(
            records.first?.hasPrefix(#"{"exporter":"jsonl","reason":"gave up: the exporter failed to initialize: "#)
                == true
        )
        #expect(records.first?.hasSuffix(#","status":null,"line":\#(lines[0])}"#) == true)

        let out = directory.path("resent.jsonl")
        let resent = try CLI.run(["replay", "--to", "jsonl", "--set", "filePath=\(out)", "--from-dead-letter", dead])
        #expect(resent.status == 0, "\(resent.stderr)")
        #expect(ReplaySample.read(out) == lines)
    }

    /// The jsonl exporter's rotation: about 17 rotations with `rotateFiles: 10` leave exactly 10 rotated files, each
    /// near `rotateSizeBytes`; the set holds the end of the input in order (all of it when nothing was dropped).
    @Test(arguments: [false, true])
    func jsonlExporterRotationKeepsRotateFiles(gzip: Bool) throws {
        let directory = try TemporaryDirectory()
        let (input, lines) = try ReplaySample.file(directory, 6000)
        let total = lines.reduce(0) { $0 + $1.utf8.count + 1 }
        for (keep, expectedFiles) in [(10, 10), (100, 0)] {
            let out = directory.path("out-\(keep).jsonl")
            let result = try CLI.run([
                "replay", "-q", "--to", "jsonl", "--set", "filePath=\(out)", "--set", "rotateSizeBytes=\(total / 17)",
                "--set", "rotateFiles=\(keep)", "--set", "gzip=\(gzip)", input,
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.url.path)
                .filter { $0.hasPrefix("out-\(keep).jsonl.") }
            #expect(names.allSatisfy { $0.hasSuffix(".gz") == gzip }, "\(names)")
            if expectedFiles > 0 {
                #expect(names.count == expectedFiles, "\(names.sorted())")
            } else {
                #expect(names.count >= 16)
            }
            let back = try CLI.run(["filter", "--rotated", out])
            #expect(lines.joined(separator: "\n").hasSuffix(back.stdoutLines.joined(separator: "\n")))
            if keep == 100 { #expect(back.stdoutLines == lines) }
        }
    }

    @Test func consoleWritesToStandardOutput() throws {
        let directory = try TemporaryDirectory()
        let (input, lines) = try ReplaySample.file(directory, 14)
        let result = try CLI.run([
            "replay", "--to", "console", "--set", "format=json", "--set", "level=exec", "-q", input,
        ])
        #expect(result.status == 0)
        #expect(result.stdoutLines == lines.filter { $0.contains(#""type":"exec."#) })
        #expect(result.stderr.isEmpty)
    }
}

extension Array where Element == String {
    /// The union of two ordered subsets of `order`, in that order.
    func merged(with other: [String], order: [String]) -> [String] {
        let wanted = Set(self).union(other)
        return order.filter { wanted.contains($0) }
    }
}
