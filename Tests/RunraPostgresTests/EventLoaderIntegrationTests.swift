import Foundation
import RunraPostgres
import Testing

@Suite(.enabled(if: ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] != nil))
struct EventLoaderIntegrationTests {
    static let strategies: [EventLoader.Strategy] = [.staging, .directUntilConflict]

    private func count(_ connection: PGConnection, _ table: PGEventTable) throws -> Int {
        Int(try connection.exec("SELECT count(*) FROM \(table.qualifiedName)").scalar ?? "") ?? -1
    }

    @Test(arguments: strategies)
    func loadsEveryRowWithJSONBEqualToTheSource(strategy: EventLoader.Strategy) throws {
        try TestDatabase.withSchema { connection, schema in
            let table = PGEventTable(schema: schema)
            let loader = EventLoader(connection: connection, table: table, strategy: strategy)
            try loader.createTable()
            let rows = TestDatabase.rows(300)
            let report = try loader.load(rows)
            #expect(report == PGLoadReport(inserted: 300, duplicates: 0))
            #expect(try count(connection, table) == 300)
            for row in rows {
                let same = try connection.exec(
                    """
                    SELECT data = $2::jsonb AND timestamp = $3::timestamptz AND type = $4 AND sandbox_id = $5
                      AND run_id = $6 FROM \(table.qualifiedName) WHERE id = $1
                    """,
                    parameters: [
                        row.id, String(decoding: row.dataJSON, as: UTF8.self), row.timestamp, row.type, row.sandboxId,
                        row.runId,
                    ]
                )
                #expect(same.scalar == "t", "row \(row.id)")
            }
            let out = try connection.exec("SELECT data->>'out' FROM \(table.qualifiedName) WHERE id = 'evt_0'")
            #expect(out.scalar == "line1\nline2\t\"q\" \\ é😀 😀")
        }
    }

    @Test(arguments: strategies)
    func loadingTwiceInsertsNothingNew(strategy: EventLoader.Strategy) throws {
        try TestDatabase.withSchema { connection, schema in
            let table = PGEventTable(schema: schema)
            let loader = EventLoader(connection: connection, table: table, strategy: strategy)
            try loader.createTable()
            let rows = TestDatabase.rows(250)
            #expect(try loader.load(rows) == PGLoadReport(inserted: 250, duplicates: 0))
            #expect(try loader.load(rows) == PGLoadReport(inserted: 0, duplicates: 250))
            // A fresh loader (a re-run) too, and a batch overlapping old and new ids with an in-batch repeat.
            let rerun = EventLoader(connection: try TestDatabase.connect(), table: table, strategy: strategy)
            let overlap = Array(rows[200...]) + TestDatabase.rows(20, idPrefix: "new") + [rows[0]]
            #expect(try rerun.load(overlap) == PGLoadReport(inserted: 20, duplicates: 51))
            #expect(try count(connection, table) == 270)
        }
    }

    @Test func theSeedQueriesRunAgainstTheTableAsCreated() throws {
        try TestDatabase.withSchema { connection, schema in
            let loader = EventLoader(connection: connection, table: PGEventTable(schema: schema))
            try loader.createTable()
            let rows = TestDatabase.rows(400)
            _ = try loader.load(rows)
            try connection.exec("SET search_path TO \(PostgresIdentifier.quote(schema))")

            let averages = try connection.exec(
                """
                SELECT sandbox_id, AVG((data->>'durationMs')::numeric) FROM runra_events
                WHERE type='exec.completed' GROUP BY sandbox_id ORDER BY sandbox_id
                """
            )
            var expected: [String: (sum: Int, count: Int)] = [:]
            for (i, row) in rows.enumerated() where row.type == "exec.completed" {
                expected[row.sandboxId, default: (0, 0)].sum += 100 + i % 50
                expected[row.sandboxId, default: (0, 0)].count += 1
            }
            #expect(averages.rows.count == 3)
            for result in averages.rows {
                let sandbox = try #require(result[0])
                let average = try #require(Double(result[1] ?? ""))
                let want = try #require(expected[sandbox])
                #expect(abs(average - Double(want.sum) / Double(want.count)) < 1e-9)
            }

            let perCommand = try connection.exec(
                """
                SELECT data->>'command' AS command, COUNT(*) AS executions,
                       COUNT(*) FILTER (WHERE (data->>'exitCode')::int <> 0) AS failures
                FROM runra_events WHERE type = 'exec.completed'
                GROUP BY data->>'command' HAVING COUNT(*) >= 10
                ORDER BY failures DESC, command
                """
            )
            #expect(perCommand.rows.count == 4)
            let failures = perCommand.rows.map { Int($0[2] ?? "") ?? -1 }
            #expect(failures == failures.sorted(by: >))
            var failuresByCommand: [String: Int] = [:]
            for (i, row) in rows.enumerated() where row.type == "exec.completed" && i % 7 == 0 {
                let command = String(decoding: row.dataJSON, as: UTF8.self).split(separator: "\"")[3]
                failuresByCommand[String(command), default: 0] += 1
            }
            for result in perCommand.rows {
                #expect(Int(result[2] ?? "") == failuresByCommand[result[0] ?? "", default: 0])
            }
        }
    }

    @Test func nulAndLoneSurrogateEscapesLoadWithoutFailingTheBatch() throws {
        try TestDatabase.withSchema { connection, schema in
            let table = PGEventTable(schema: schema)
            let loader = EventLoader(connection: connection, table: table)
            try loader.createTable()
            var rows = TestDatabase.rows(10)
            rows[3].dataJSON = Array(#"{"s":"a\u0000b"}"#.utf8)
            rows[6].dataJSON = Array(#"{"s":"x\ud800y","\udc00k":1}"#.utf8)
            #expect(try loader.load(rows) == PGLoadReport(inserted: 10, duplicates: 0))
            let stored = try connection.exec(
                "SELECT data->>'s' FROM \(table.qualifiedName) WHERE id IN ('evt_3', 'evt_6') ORDER BY id"
            )
            #expect(stored.rows == [["a\u{FFFD}b"], ["x\u{FFFD}y"]])
            let key = try connection.exec("SELECT data ? '\u{FFFD}k' FROM \(table.qualifiedName) WHERE id = 'evt_6'")
            #expect(key.scalar == "t")
        }
    }

    @Test func aTextDataColumnKeepsTheJSONTextVerbatim() throws {
        try TestDatabase.withSchema { connection, schema in
            let table = PGEventTable(schema: schema, name: "text_events", dataColumn: .text)
            let loader = EventLoader(connection: connection, table: table)
            try loader.createTable()
            var rows = TestDatabase.rows(3)
            rows[1].dataJSON = Array(#"{"s":"a\u0000b",  "n":1.50}"#.utf8)
            #expect(try loader.load(rows).inserted == 3)
            let stored = try connection.exec("SELECT data FROM \(table.qualifiedName) WHERE id = 'evt_1'")
            #expect(stored.scalar == #"{"s":"a\u0000b",  "n":1.50}"#)
            let type = try connection.exec(
                "SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND "
                    + "column_name = 'data'",
                parameters: [schema, "text_events"]
            )
            #expect(type.scalar == "text")
            let indexes = try connection.exec(
                "SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname",
                parameters: [schema]
            )
            #expect(
                indexes.rows.map { $0[0] ?? "" } == [
                    "idx_text_events_run", "idx_text_events_sandbox", "idx_text_events_timestamp",
                    "idx_text_events_type",
                    "text_events_pkey",
                ]
            )
        }
    }

    @Test func aHostileTableNameIsJustAName() throws {
        try TestDatabase.withSchema { connection, schema in
            let quotedSchema = PostgresIdentifier.quote(schema)
            try connection.exec("CREATE TABLE \(quotedSchema).y (a int)")
            let table = PGEventTable(schema: schema, name: "x\"; DROP TABLE y; --")
            let loader = EventLoader(connection: connection, table: table)
            try loader.createTable()
            #expect(try loader.load(TestDatabase.rows(5)).inserted == 5)
            #expect(try count(connection, table) == 5)
            let tables = try connection.exec(
                "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename",
                parameters: [schema]
            )
            #expect(tables.rows == [["x\"; DROP TABLE y; --"], ["y"]])
        }
    }

    @Test(arguments: strategies)
    func refusedRowsAreIsolatedAndTheGoodRowsLoad(strategy: EventLoader.Strategy) throws {
        try TestDatabase.withSchema { connection, schema in
            let table = PGEventTable(schema: schema)
            let loader = EventLoader(connection: connection, table: table, strategy: strategy)
            try loader.createTable()
            var rows = TestDatabase.rows(100)
            rows[37].timestamp = "2026-13-45T00:00:00Z"
            rows[80].timestamp = ""
            rows[81].dataJSON = Array(#"{"broken":"#.utf8)
            let report = try loader.load(rows)
            #expect(report.inserted == 97)
            #expect(report.duplicates == 0)
            #expect(report.rejected.map(\.index) == [37, 80, 81])
            #expect(report.rejected.map(\.row.id) == ["evt_37", "evt_80", "evt_81"])
            #expect(report.rejected[0].message.contains("2026-13-45T00:00:00Z"))
            #expect(report.rejected[1].sqlState == "23502")
            #expect(report.rejected[2].sqlState == "22P02")
            #expect(try count(connection, table) == 97)
            // Again: the good rows are duplicates, the bad ones are refused again.
            let again = try loader.load(rows)
            #expect(again.inserted == 0)
            #expect(again.duplicates == 97)
            #expect(again.rejected.count == 3)
        }
    }

    @Test func aMissingTableIsAnErrorNotARejection() throws {
        try TestDatabase.withSchema { connection, schema in
            let loader = EventLoader(connection: connection, table: PGEventTable(schema: schema, name: "absent"))
            let error = #expect(throws: PostgresError.self) { try loader.load(TestDatabase.rows(3)) }
            #expect(error?.sqlState == PostgresError.SQLState.undefinedTable)
        }
    }
}
