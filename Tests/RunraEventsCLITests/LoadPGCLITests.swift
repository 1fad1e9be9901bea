import Foundation
import RunraTestSupport
import Testing

/// `load-pg` end to end against the test server (`RUNRA_TEST_PG_URL`); tables are checked with `psql`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] != nil), .timeLimit(.minutes(5)))
struct LoadPGCLITests {
    let url = ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] ?? ""

    static func events(_ count: Int, prefix: String = "e") -> String {
        var text = ""
        for i in 0..<count {
            text +=
                #"{"id":"\#(prefix)\#(i)","timestamp":"2026-06-15T10:30:\#(String(format: "%02d", i % 60)).5Z","#
                + #""type":"exec.completed","sandboxId":"sb_\#(i % 4)","runId":"run_1","#
                + #""data":{"command":"npm test","exitCode":\#(i % 9 == 0 ? 1 : 0),"durationMs":\#(i % 1000),"#
                + #""out":"a\tb\\c"}}"#
                + "\n"
        }
        return text
    }

    /// Runs `psql -tA -c sql` and returns its trimmed output.
    func psql(_ sql: String) throws -> String { try PSQL.run(url, sql, quietErrors: false) }

    func uniqueTable() -> String { "runra_cli_\(UInt32.random(in: 0...UInt32.max))" }

    @Test func loadsOnceThenFindsOnlyDuplicates() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("events.jsonl", Self.events(1200) + "not json\n")
        let table = uniqueTable()
        defer { _ = try? psql("DROP TABLE IF EXISTS \(table)") }
        let first = try CLI.run(["load-pg", "--database-url", url, "--table", table, "--batch-size", "500", file])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdoutText.hasPrefix("read 1200 events: 1200 inserted, 0 duplicates, 0 rejected, 1 bad lines"))
        #expect(first.stderr.contains("events.jsonl:1201:"))
        let second = try CLI.run(["load-pg", "--database-url", url, "--table", table, file])
        #expect(second.status == 0)
        #expect(second.stdoutText.hasPrefix("read 1200 events: 0 inserted, 1200 duplicates"))
        #expect(try psql("SELECT count(*) FROM \(table)") == "1200")
        #expect(try psql("SELECT data->>'out' FROM \(table) WHERE id = 'e7'") == "a\tb\\c")
        #expect(try psql("SELECT count(*) FROM pg_indexes WHERE tablename = '\(table)'") == "5")
    }

    @Test func databaseURLComesFromTheEnvironmentAndSelectionApplies() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("events.jsonl", Self.events(100))
        let table = uniqueTable()
        defer { _ = try? psql("DROP SCHEMA IF EXISTS \(table) CASCADE") }
        let result = try CLI.run(
            ["load-pg", "--schema", table, "--text-column", "--sandbox", "sb_1", file],
            environment: ["DATABASE_URL": url]
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.hasPrefix("read 100 events: 25 inserted"))
        #expect(try psql("SELECT count(*), min(pg_typeof(data)::text) FROM \(table).runra_events") == "25|text")
    }

    @Test func aKilledLoadCompletesOnTheNextRunWithoutDuplicates() throws {
        let total = 60_000
        let dir = try TemporaryDirectory()
        let file = try dir.write("big.jsonl", Self.events(total))
        let table = uniqueTable()
        defer { _ = try? psql("DROP TABLE IF EXISTS \(table)") }
        _ = try psql(
            """
            CREATE TABLE \(table) (id TEXT PRIMARY KEY, timestamp TIMESTAMPTZ NOT NULL, type TEXT NOT NULL,
              sandbox_id TEXT NOT NULL, run_id TEXT NOT NULL, data JSONB NOT NULL, created_at TIMESTAMPTZ DEFAULT NOW())
            """
        )
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["load-pg", "--database-url", url, "--table", table, "--batch-size", "200", file]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var loadedAtKill = 0
        while process.isRunning {
            loadedAtKill = Int(try psql("SELECT count(*) FROM \(table)")) ?? 0
            if loadedAtKill > 0 { break }
            usleep(5_000)
        }
        kill(process.processIdentifier, SIGKILL)
        try process.waitForExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(loadedAtKill > 0 && loadedAtKill < total)

        let rerun = try CLI.run(["load-pg", "--database-url", url, "--table", table, file])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try psql("SELECT count(*), count(DISTINCT id) FROM \(table)") == "\(total)|\(total)")
        let numbers = rerun.stdoutText.split(separator: " ").compactMap { Int($0) }
        // read N events: I inserted, D duplicates → I + D == N, and some were already there.
        #expect(numbers.count >= 3 && numbers[1] + numbers[2] == total && numbers[2] > 0)
    }

    @Test func refusedRowsAreDeadLetteredAndTheRestLoads() throws {
        let dir = try TemporaryDirectory()
        let bad = #"{"id":"bad1","timestamp":"2026-13-45T00:00:00Z","type":"x","sandboxId":"s","runId":"r","data":{}}"#
        let file = try dir.write("events.jsonl", Self.events(50) + bad + "\n" + Self.events(50, prefix: "f"))
        let deadLetter = dir.path("dead.jsonl")
        let table = uniqueTable()
        defer { _ = try? psql("DROP TABLE IF EXISTS \(table)") }
        let result = try CLI.run(
            ["load-pg", "--database-url", url, "--table", table, "--dead-letter", deadLetter, file])
        #expect(result.status == 4)
        #expect(result.stdoutText.hasPrefix("read 101 events: 100 inserted, 0 duplicates, 1 rejected"))
        #expect(result.stderr.contains("bad1"))
        #expect(result.stderr.contains("out of range"))
        #expect(try String(contentsOfFile: deadLetter, encoding: .utf8) == bad + "\n")
        #expect(try psql("SELECT count(*) FROM \(table)") == "100")
    }

    @Test func aDatabaseFailureExitsFourWithoutThePassword() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("events.jsonl", Self.events(3))
        let withPassword = url.replacingOccurrences(of: "postgres@", with: "postgres:s3cretpw@")
        let result = try CLI.run(["load-pg", "--database-url", withPassword, "--ssl", "require", file])
        #expect(result.status == 4)
        #expect(result.stderr.contains("SSL"))
        #expect(result.stderr.contains("postgres:***@"))
        #expect(!result.stderr.contains("s3cretpw"))
        let usage = try CLI.run(["load-pg", "--database-url", url, "--ssl", "sometimes", file])
        #expect(usage.status == 2)
    }
}
