import Foundation
import RunraTestSupport
import Testing

/// `share/lnav/runra_events.json` in the real lnav (Debian's package), headless: it recognises a runra log, gives
/// each event the level `runra-events --min-level` gives it (docs/event-format.md), and reads the timestamps.
@Suite(.timeLimit(.minutes(5))) struct LnavFormatTests {
    static let format = CLI.packageRoot.appendingPathComponent("share/lnav/runra_events.json").path

    /// Events for the rule's branches the sample lacks: `data.level` (which wins over the type) and exit codes.
    static let branches = [
        #"{"id":"b1","timestamp":"2026-06-15T10:30:00.000Z","type":"exec.completed","sandboxId":"sb_a","runId":"#
            + #""run_1","data":{"command":"npm test","exitCode":1,"durationMs":1500}}"#,
        #"{"id":"b2","timestamp":"2026-06-15T10:30:01.250Z","type":"exec.completed","sandboxId":"sb_a","data":"#
            + #"{"command":"ls","exitCode":0}}"#,
        #"{"id":"b3","timestamp":"2026-06-15T10:30:02Z","type":"exec.completed","sandboxId":"sb_a","data":"#
            + #"{"command":"ls"}}"#,
        #"{"id":"b4","timestamp":"2026-06-15T10:30:03.000Z","type":"sandbox.created","data":{"level":"WARNING"}}"#,
        #"{"id":"b5","timestamp":"2026-06-15T10:30:04.000Z","type":"agent.error","data":{"level":"debug"}}"#,
        #"{"id":"b6","timestamp":"2026-06-15T10:30:05.000Z","type":"sandbox.started","data":{"level":"Error"}}"#,
        #"{"id":"b7","timestamp":"2026-06-15T10:30:06.000Z","type":"exec.completed","data":{"exitCode":-9}}"#,
    ]

    /// An isolated lnav (its own HOME, UTC) with the format installed the documented way, `lnav -i`.
    struct Lnav {
        let tool: ExternalTool
        let home: TemporaryDirectory
        var environment: [String: String] {
            ["HOME": home.url.path, "TZ": "UTC", "XDG_CONFIG_HOME": home.path(".config")]
        }

        init?() throws {
            guard let tool = ExternalTool.find("lnav", package: "lnav") else { return nil }
            self.tool = tool
            home = try TemporaryDirectory()
            let installed = try tool.run(["-i", LnavFormatTests.format], environment: environment)
            #expect(installed.status == 0, "lnav -i: \(installed.stderr)")
        }

        /// The rows of `query` over `file`, as CSV fields, header first.
        func select(_ query: String, _ file: String) throws -> [[String]] {
            let result = try tool.run(
                ["-n", "-c", ";" + query, "-c", ":write-csv-to -", file],
                environment: environment
            )
            #expect(result.status == 0, "lnav: \(result.stderr)")
            return result.stdoutLines.map {
                $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
        }
    }

    func events(_ directory: TemporaryDirectory) throws -> String {
        let sample = try CLI.run(["filter", CLI.fixture("events/sample.jsonl.gz")])
        return try directory.write("events.jsonl", sample.stdoutText + Self.branches.joined(separator: "\n") + "\n")
    }

    /// Each event's level as runra-events sees it: the highest `--min-level` that still selects it.
    func runraLevels(_ file: String) throws -> [String: String] {
        var levels: [String: String] = [:]
        for level in ["debug", "info", "warn", "error"] {
            let ids = try CLI.run(["filter", "--min-level", level, "-o", "tsv", "--fields", "id", file])
            #expect(ids.status == 0, "\(ids.stderr)")
            for id in ids.stdoutLines.dropFirst() { levels[id] = level }
        }
        return levels
    }

    @Test func lnavRecognisesEveryEventAndGivesItsLevel() throws {
        guard let lnav = try Lnav() else { return }
        let directory = try TemporaryDirectory()
        let file = try events(directory)
        let rows = try lnav.select("SELECT id, log_level FROM runra_events_log", file)
        #expect(rows.first == ["id", "log_level"])
        let lnavLevels = Dictionary(
            rows.dropFirst().map { ($0[0], $0[1] == "warning" ? "warn" : $0[1]) },
            uniquingKeysWith: { $1 }
        )
        let expected = try runraLevels(file)
        #expect(expected.count == 2000 + Self.branches.count)
        #expect(lnavLevels.count == expected.count, "lnav read \(lnavLevels.count) events as runra events")
        let differing = expected.filter { lnavLevels[$0.key] != $0.value }.map(\.key).sorted()
        #expect(differing.isEmpty, "levels differ for \(differing.prefix(10))")
        #expect(Set(lnavLevels.values) == ["debug", "info", "warn", "error"])
    }

    @Test func lnavReadsTheTimestampsAndTheFields() throws {
        guard let lnav = try Lnav() else { return }
        let directory = try TemporaryDirectory()
        let file = try directory.write("events.jsonl", Self.branches.joined(separator: "\n") + "\n")
        let rows = try lnav.select(
            #"SELECT id, log_time, type, sandboxId, runId, "data/command" FROM runra_events_log LIMIT 3"#,
            file
        )
        #expect(
            rows == [
                ["id", "log_time", "type", "sandboxId", "runId", "data/command"],
                ["b1", "2026-06-15 10:30:00.000", "exec.completed", "sb_a", "run_1", "npm test"],
                ["b2", "2026-06-15 10:30:01.250", "exec.completed", "sb_a", "<NULL>", "ls"],
                ["b3", "2026-06-15 10:30:02.000", "exec.completed", "sb_a", "<NULL>", "ls"],
            ]
        )
    }

    @Test func lnavShowsAnEventLikeThePrettyOutput() throws {
        guard let lnav = try Lnav() else { return }
        let directory = try TemporaryDirectory()
        let file = try directory.write("events.jsonl", Self.branches[0] + "\n")
        let shown = try lnav.tool.run(["-n", file], environment: lnav.environment)
        #expect(
            shown.stdoutLines == [
                #"2026-06-15T10:30:00.000Z ERROR exec.completed sb_a run_1 {"command":"npm test","exitCode":1,"#
                    + #""durationMs":1500}"#
            ]
        )
    }
}
