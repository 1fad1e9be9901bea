import Foundation
import RunraPostgres
import Testing

@Suite(.enabled(if: ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] != nil))
struct PGConnectionIntegrationTests {
    @Test func runsStatementsWithAndWithoutParameters() throws {
        let connection = try TestDatabase.connect()
        #expect(try connection.exec("SELECT 40 + 2").scalar == "42")
        let result = try connection.exec("SELECT $1::text || '!', $2::int IS NULL", parameters: ["héllo", nil])
        #expect(result.rows == [["héllo!", "t"]])
        #expect(connection.serverVersion >= 100_000)
    }

    @Test func serverErrorsCarryTheSQLState() throws {
        let connection = try TestDatabase.connect()
        let error = #expect(throws: PostgresError.self) {
            try connection.exec("SELECT * FROM runra_no_such_table")
        }
        #expect(error?.sqlState == PostgresError.SQLState.undefinedTable)
        #expect(error?.code == .statementFailed)
        #expect(error?.description.contains("runra_no_such_table") == true)
        // The connection is still usable.
        #expect(try connection.exec("SELECT 1").scalar == "1")
    }

    @Test func copyInStreamsChunksAcrossRowBoundaries() throws {
        let connection = try TestDatabase.connect()
        try connection.exec("CREATE TEMP TABLE copy_probe (a text, b int)")
        let chunks: [[UInt8]] = [Array("x\\ty\t1\nsec".utf8), Array("ond\t2\n".utf8)]
        #expect(try connection.copyIn("COPY copy_probe (a, b) FROM STDIN", chunks: chunks) == 2)
        #expect(try connection.exec("SELECT a FROM copy_probe ORDER BY b").rows == [["x\ty"], ["second"]])
        let error = #expect(throws: PostgresError.self) {
            try connection.copyIn("COPY copy_probe (a, b) FROM STDIN", chunks: [Array("z\tnot-a-number\n".utf8)])
        }
        #expect(error?.code == .copyFailed)
        #expect(error?.sqlState == "22P02")
        #expect(try connection.exec("SELECT count(*) FROM copy_probe").scalar == "2")
    }

    @Test func requiredSSLAgainstAPlainServerFailsClearlyWithoutThePassword() throws {
        let url = try #require(TestDatabase.url)
        let withPassword = url.replacingOccurrences(of: "postgres@", with: "postgres:hunter2secret@")
        let error = #expect(throws: PostgresError.self) {
            try PGConnection(connectionString: withPassword, sslMode: .require)
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.description.contains("SSL") == true)
        #expect(error?.description.contains("hunter2secret") == false)
        #expect(error?.description.contains("postgres:***@") == true)
        // The same through the connection string itself.
        #expect(throws: PostgresError.self) {
            try PGConnection(connectionString: url + "?sslmode=require")
        }
    }

    @Test func sslModeInTheConnectionStringWins() throws {
        let url = try #require(TestDatabase.url)
        let connection = try PGConnection(connectionString: url + "?sslmode=disable", sslMode: .require)
        #expect(try connection.exec("SELECT 1").scalar == "1")
        #expect(throws: PostgresError.self) {
            try PGConnection(connectionString: url + "?sslmode=require", sslMode: .disable)
        }
    }

    @Test func keywordValueStringsConnect() throws {
        let url = try #require(TestDatabase.url)
        let port = try #require(url.split(separator: ":").last?.split(separator: "/").first)
        let connection = try PGConnection(
            connectionString: "host=127.0.0.1 port=\(port) user=postgres dbname=postgres",
            sslMode: .disable
        )
        #expect(try connection.exec("SELECT current_user").scalar == "postgres")
    }

    @Test func aTerminatedBackendIsReportedAsLost() throws {
        let victim = try TestDatabase.connect()
        let pid = try #require(victim.exec("SELECT pg_backend_pid()").scalar)
        try TestDatabase.connect().exec("SELECT pg_terminate_backend($1::int)", parameters: [pid])
        let error = #expect(throws: PostgresError.self) { try victim.exec("SELECT 1") }
        #expect(error?.code == .connectionLost)
        #expect(!victim.isOpen)
    }
}
