import Foundation
import RunraEvents
import RunraExporters
import RunraPostgres
import RunraReplay
import Testing

/// The `postgres` exporter against a real server (`RUNRA_TEST_PG_URL`; `scripts/pg-test-cluster.sh start`).
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] != nil,
        "set RUNRA_TEST_PG_URL (scripts/pg-test-cluster.sh start) to run"
    ),
    .timeLimit(.minutes(5))
)
struct PostgresExporterTests {
    static let url = ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] ?? ""

    /// Runs `body` with a fresh schema name, dropped (with everything in it) afterwards.
    private func withSchema(_ body: (PGConnection, String) async throws -> Void) async throws {
        let connection = try PGConnection(connectionString: Self.url)
        let schema = "runra_exp_\(UInt32.random(in: 0...UInt32.max))"
        defer { _ = try? connection.exec("DROP SCHEMA IF EXISTS \(PostgresIdentifier.quote(schema)) CASCADE") }
        try await body(connection, schema)
    }

    private func configuration(_ values: [String: JSONValue]) -> ExporterConfiguration {
        ExporterConfiguration(path: "observability.config", values: values, environment: [:])
    }

    private func event(
        _ id: String,
        timestamp: String = "2026-06-15T10:00:00.123Z",
        type: String = "exec.completed",
        data: String = #"{"command":"npm test","exitCode":0}"#
    ) throws -> RuntimeEvent {
        try RuntimeEvent(
            #"{"id":"\#(id)","timestamp":"\#(timestamp)","type":"\#(type)","sandboxId":"sb_1","runId":"run_1","#
                + #""data":\#(data)}"#
        )
    }

    private func count(_ connection: PGConnection, _ table: String) throws -> Int {
        Int(try connection.exec("SELECT count(*) FROM \(table)").scalar ?? "") ?? -1
    }

    @Test func rowsArriveWithTheirContent() async throws {
        try await withSchema { connection, schema in
            let exporter = PostgresExporter()
            try await exporter.initialize(
                configuration: configuration(["connectionString": .string(Self.url), "schema": .string(schema)])
            )
            let events = [
                try event("a1", data: #"{"command":"ls -la","exitCode":2,"out":"é😀 \"q\"\n","nested":{"x":[1,2.50]}}"#),
                try event("a2", timestamp: "2026-06-15T12:00:00+02:00", type: "sandbox.created", data: #"{}"#),
            ]
            let outcome = try await exporter.export(events)
            await exporter.dispose()
            #expect(outcome.rejected.isEmpty)
            let table = "\(PostgresIdentifier.quote(schema)).\"runra_events\""
            #expect(try count(connection, table) == 2)
            let first = try connection.exec(
                """
                SELECT type, sandbox_id, run_id, timestamp = '2026-06-15T10:00:00.123Z'::timestamptz,
                  data = $1::jsonb, data->>'out' FROM \(table) WHERE id = 'a1'
                """,
                parameters: [#"{"command":"ls -la","exitCode":2,"out":"é😀 \"q\"\n","nested":{"x":[1,2.5]}}"#]
            )
            #expect(first.rows.first == ["exec.completed", "sb_1", "run_1", "t", "t", "é😀 \"q\"\n"])
            let second = try connection.exec(
                "SELECT type, timestamp = '2026-06-15T10:00:00Z'::timestamptz FROM \(table) WHERE id = 'a2'"
            )
            #expect(second.rows.first == ["sandbox.created", "t"])
        }
    }

    @Test func exportingTheSameBatchTwiceCreatesNoDuplicates() async throws {
        try await withSchema { connection, schema in
            let config = configuration(["connectionString": .string(Self.url), "schema": .string(schema)])
            let events = try (0..<60).map { try event("dup_\($0)") }
            let exporter = PostgresExporter()
            try await exporter.initialize(configuration: config)
            _ = try await exporter.export(events)
            let again = try await exporter.export(events)
            await exporter.dispose()
            #expect(again.rejected.isEmpty)
            // A resumed replay: a fresh exporter sends an overlapping batch.
            let resumed = PostgresExporter()
            try await resumed.initialize(configuration: config)
            _ = try await resumed.export(Array(events[50...]) + [try event("dup_new")])
            await resumed.dispose()
            #expect(try count(connection, "\(PostgresIdentifier.quote(schema)).\"runra_events\"") == 61)
        }
    }

    @Test(arguments: [(false, true), (true, false)])
    func useJsonColumnAgainstATableOfTheOtherTypeIsAConfigurationError(_ created: Bool, _ configured: Bool) async throws
    {
        try await withSchema { connection, schema in
            let first = PostgresExporter()
            try await first.initialize(
                configuration: configuration([
                    "connectionString": .string(Self.url), "schema": .string(schema), "useJsonColumn": .bool(created),
                ])
            )
            await first.dispose()
            let second = PostgresExporter()
            let existing = created ? "jsonb" : "text"
            do {
                try await second.initialize(
                    configuration: configuration([
                        "connectionString": .string(Self.url), "schema": .string(schema),
                        "useJsonColumn": .bool(configured),
                    ])
                )
                Issue.record("expected a configuration error")
            } catch let error as RunraError {
                #expect(error.code == .configuration)
                #expect(
                    error.message
                        == "postgres exporter: \"\(schema)\".\"runra_events\" already has a \(existing) data column, "
                        + "but useJsonColumn is \(configured): set useJsonColumn: \(created) to write into it, or "
                        + "name another table"
                )
            }
            await second.dispose()
        }
    }

    @Test func aRefusedRowIsRejectedWithItsSQLStateWhileTheRestLoad() async throws {
        try await withSchema { connection, schema in
            let exporter = PostgresExporter()
            try await exporter.initialize(
                configuration: configuration([
                    "connectionString": .string(Self.url), "schema": .string(schema), "useJsonColumn": .bool(false),
                ])
            )
            let events = [
                try event("ok_1"), try event("ok_2"), try event("bad", timestamp: "2026-13-45T00:00:00Z"),
                try event("ok_3"),
            ]
            let outcome = try await exporter.export(events)
            await exporter.dispose()
            #expect(outcome.rejected.count == 1)
            let rejected = try #require(outcome.rejected.first)
            #expect(rejected.event.id == "bad")
            #expect(rejected.status == "22008")
            #expect(rejected.reason.contains("2026-13-45T00:00:00Z"))
            let ids = try connection.exec(
                "SELECT id FROM \(PostgresIdentifier.quote(schema)).\"runra_events\" ORDER BY id"
            ).rows.map { $0[0] ?? "" }
            #expect(ids == ["ok_1", "ok_2", "ok_3"])
        }
    }

    @Test func sslRequireAgainstAServerWithoutSSLFailsWithoutShowingThePassword() async throws {
        // The test server trusts local connections, so any password is accepted; it must never be shown.
        let password = "hunter2-Secret"
        let withPassword = Self.url.replacingOccurrences(of: "postgres@", with: "postgres:\(password)@")
        try #require(withPassword.contains(password), "test URL has the form postgresql://postgres@host:port/db")
        let exporter = PostgresExporter()
        let error = await #expect(throws: RunraError.self) {
            try await exporter.initialize(
                configuration: configuration(["connectionString": .string(withPassword), "ssl": .bool(true)])
            )
        }
        await exporter.dispose()
        #expect(error?.code == .exporter)
        let message = error?.message ?? ""
        #expect(message.contains("SSL"))
        #expect(message.contains("postgres:***@"))
        #expect(!message.contains(password))

        // An sslmode in the connection string wins over the ssl option (SPEC §9).
        let winning = PostgresExporter()
        try await winning.initialize(
            configuration: configuration([
                "connectionString": .string(withPassword + "?sslmode=disable"), "ssl": .string("require"),
                "createTable": .bool(false),
            ])
        )
        await winning.dispose()
    }

    @Test func hostileTableAndSchemaNamesAreQuoted() async throws {
        try await withSchema { connection, schema in
            let hostileSchema = schema + #" "; DROP SCHEMA public; --"#
            let hostileTable = #"ev"ents'; DROP TABLE x; --"#
            defer {
                _ = try? connection.exec("DROP SCHEMA IF EXISTS \(PostgresIdentifier.quote(hostileSchema)) CASCADE")
            }
            try connection.exec("CREATE SCHEMA \(PostgresIdentifier.quote(schema))")
            try connection.exec("CREATE TABLE \(PostgresIdentifier.quote(schema)).x (n int)")
            let exporter = PostgresExporter()
            try await exporter.initialize(
                configuration: configuration([
                    "connectionString": .string(Self.url), "schema": .string(hostileSchema),
                    "table": .string(hostileTable),
                ])
            )
            let outcome = try await exporter.export([try event("h1"), try event("h2")])
            await exporter.dispose()
            #expect(outcome.rejected.isEmpty)
            #expect(try count(connection, PostgresIdentifier.qualified(schema: hostileSchema, hostileTable)) == 2)
            #expect(try count(connection, "\(PostgresIdentifier.quote(schema)).x") == 0)
            #expect(try connection.exec("SELECT to_regnamespace('public') IS NOT NULL").scalar == "t")
        }
    }

    @Test func whenReconnectingFailsExportGivesUpAndALaterBatchConnectsAgain() async throws {
        try await withSchema { connection, schema in
            // A role that can be kept from logging in while the exporter's connection is cut.
            let role = "runra_exp_role_\(UInt32.random(in: 0...UInt32.max))"
            let quotedRole = PostgresIdentifier.quote(role)
            let table = PGEventTable(schema: schema)
            try connection.exec("CREATE SCHEMA \(PostgresIdentifier.quote(schema))")
            for statement in table.createStatements { try connection.exec(statement) }
            try connection.exec("CREATE ROLE \(quotedRole) LOGIN")
            defer {
                _ = try? connection.exec("DROP OWNED BY \(quotedRole)")
                _ = try? connection.exec("DROP ROLE \(quotedRole)")
            }
            try connection.exec("GRANT USAGE ON SCHEMA \(PostgresIdentifier.quote(schema)) TO \(quotedRole)")
            try connection.exec("GRANT SELECT, INSERT ON \(table.qualifiedName) TO \(quotedRole)")
            let url = Self.url.replacingOccurrences(of: "postgres@", with: "\(role)@")
            try #require(url.contains(role), "test URL has the form postgresql://postgres@host:port/db")

            let exporter = PostgresExporter()
            try await exporter.initialize(
                configuration: configuration([
                    "connectionString": .string(url), "schema": .string(schema), "createTable": .bool(false),
                ])
            )
            _ = try await exporter.export([try event("g1")])
            try connection.exec("ALTER ROLE \(quotedRole) NOLOGIN")
            try connection.exec(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1",
                parameters: [role]
            )
            let error = await #expect(throws: RunraError.self) { try await exporter.export([try event("g2")]) }
            #expect(error?.code == .exporter)
            #expect(error?.message.contains("gave up on a batch of 1 events") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("not permitted to log in") == true, "\(error?.message ?? "")")
            try connection.exec("ALTER ROLE \(quotedRole) LOGIN")
            let later = try await exporter.export([try event("g2"), try event("g3")])
            await exporter.dispose()
            #expect(later.rejected.isEmpty)
            #expect(try count(connection, table.qualifiedName) == 3)
        }
    }

    @Test func aLostConnectionIsReconnectedOnceAndTheBatchRetried() async throws {
        try await withSchema { connection, schema in
            let application = "runra_exp_\(UInt32.random(in: 0...UInt32.max))"
            let url = Self.url + (Self.url.contains("?") ? "&" : "?") + "application_name=\(application)"
            let exporter = PostgresExporter()
            try await exporter.initialize(
                configuration: configuration(["connectionString": .string(url), "schema": .string(schema)])
            )
            let first = try await exporter.export([try event("r1"), try event("r2")])
            #expect(first.retries == 0)
            let killed = try connection.exec(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
                parameters: [application]
            )
            #expect(killed.scalar == "1")
            let second = try await exporter.export([try event("r2"), try event("r3")])
            await exporter.dispose()
            #expect(second.retries == 1)
            #expect(second.rejected.isEmpty)
            #expect(try count(connection, "\(PostgresIdentifier.quote(schema)).\"runra_events\"") == 3)
        }
    }
}

/// Configuration checks that need no server.
@Suite struct PostgresExporterConfigurationTests {
    private func initialize(_ values: [String: JSONValue]) async -> RunraError? {
        let exporter = PostgresExporter()
        let error = await #expect(throws: RunraError.self) {
            try await exporter.initialize(
                configuration: ExporterConfiguration(path: "observability.config", values: values)
            )
        }
        await exporter.dispose()
        return error
    }

    @Test func anUnreachableServerFailsInitializeWithAnExporterErrorAndNoPassword() async {
        let error = await initialize([
            "connectionString": .string("postgresql://u:pw-Secret9@127.0.0.1:1/db?connect_timeout=2")
        ])
        #expect(error?.code == .exporter)
        #expect(error?.message.contains("u:***@127.0.0.1:1") == true)
        #expect(error?.message.contains("pw-Secret9") == false)
    }

    @Test func aBadSSLValueNamesTheKeyAndTheChoices() async {
        let error = await initialize(["connectionString": .string("host=nowhere"), "ssl": .string("sometimes")])
        #expect(error?.code == .configuration)
        #expect(error?.message.hasPrefix("observability.config.ssl: ") == true)
        #expect(error?.message.contains("verify-full") == true)
    }

    @Test func aNonPositiveBatchSizeIsRefused() async {
        let error = await initialize(["connectionString": .string("host=nowhere"), "batchSize": .number(0)])
        #expect(error?.code == .configuration)
        #expect(error?.message.hasPrefix("observability.config.batchSize: ") == true)
    }

    @Test func theRegistryKnowsBothExporters() {
        var registry = ExporterRegistry()
        registry.registerProcessExporters()
        #expect(registry.ids == ["exec", "postgres"])
        #expect(registry.registration(for: "postgres")?.configurationKeys.contains("useJsonColumn") == true)
        #expect(registry.registration(for: "postgres")?.make().id == "postgres")
        #expect(registry.registration(for: "exec")?.make().id == "exec")
    }
}
