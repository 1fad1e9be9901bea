import Foundation
import RunraPostgres

/// The integration test server (`RUNRA_TEST_PG_URL`, set by `make test` / `make pg-up`).
enum TestDatabase {
    static let url = ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"]
    static var isAvailable: Bool { url != nil }

    static func connect() throws -> PGConnection {
        try PGConnection(connectionString: url ?? "")
    }

    /// A name no other test uses, e.g. `runra_it_3f9a0c12`.
    static func uniqueName(_ prefix: String = "runra_it") -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Runs `body` with a fresh schema holding nothing, dropped afterwards (with everything in it).
    static func withSchema<T>(_ body: (PGConnection, String) throws -> T) throws -> T {
        let connection = try connect()
        let schema = uniqueName()
        try connection.exec("CREATE SCHEMA \(PostgresIdentifier.quote(schema))")
        defer { _ = try? connection.exec("DROP SCHEMA \(PostgresIdentifier.quote(schema)) CASCADE") }
        return try body(connection, schema)
    }

    /// `count` exec.completed-like rows over a few sandboxes and commands, deterministic.
    static func rows(_ count: Int, idPrefix: String = "evt") -> [PGEventRow] {
        let commands = ["npm test", "npm run build", "ls -la", "python3 -c 'print(1)'"]
        return (0..<count).map { i in
            let command = commands[i % commands.count]
            let exitCode = i % 7 == 0 ? 1 : 0
            let data =
                #"{"command":"\#(command)","exitCode":\#(exitCode),"durationMs":\#(100 + i % 50),"#
                + #""out":"line1\nline2\t\"q\" \\ é😀 \ud83d\ude00","nested":{"a":[1,2.50,{"b":null}]}}"#
            return PGEventRow(
                id: "\(idPrefix)_\(i)",
                timestamp: "2026-06-15T10:\(String(format: "%02d", i % 60)):00.123Z",
                type: i % 5 == 4 ? "exec.started" : "exec.completed",
                sandboxId: "sb_\(i % 3)",
                runId: "run_\(i % 2)",
                dataJSON: Array(data.utf8)
            )
        }
    }
}
