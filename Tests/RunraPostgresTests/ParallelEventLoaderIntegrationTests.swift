import Foundation
import RunraPostgres
import Testing

@Suite(.enabled(if: ProcessInfo.processInfo.environment["RUNRA_TEST_PG_URL"] != nil))
struct ParallelEventLoaderIntegrationTests {
    private func count(_ connection: PGConnection, _ table: PGEventTable) throws -> Int {
        Int(try connection.exec("SELECT count(*) FROM \(table.qualifiedName)").scalar ?? "") ?? -1
    }

    /// A pool of `connections` loaders into `table`, the first creating it.
    private func pool(_ table: PGEventTable, connections: Int) throws -> ParallelEventLoader {
        var loaders: [EventLoader] = []
        for _ in 0..<connections {
            let loader = EventLoader(connection: try TestDatabase.connect(), table: table)
            if loaders.isEmpty { try loader.createTable() }
            try loader.commitAsynchronously()
            loaders.append(loader)
        }
        return ParallelEventLoader(loaders: loaders)
    }

    /// Submits `batches` and returns the reports, in the order the completions ran.
    private func load(_ batches: [[PGEventRow]], with pool: ParallelEventLoader) throws -> [PGLoadReport] {
        var reports: [PGLoadReport] = []
        for batch in batches {
            try pool.submit(batch) { reports.append($0) }
        }
        try pool.finish()
        return reports
    }

    private func batches(of rows: [PGEventRow], size: Int) -> [[PGEventRow]] {
        stride(from: 0, to: rows.count, by: size).map { Array(rows[$0..<min($0 + size, rows.count)]) }
    }

    @Test func loadsEveryBatchOnceAndReportsInSubmissionOrder() throws {
        try TestDatabase.withSchema { connection, schema in
            let table = PGEventTable(schema: schema)
            // Batch sizes differ, so a report out of order would show up as a wrong count at its position.
            let rows = TestDatabase.rows(700)
            let sizes = [50, 150, 100, 200, 25, 175]
            var batches: [[PGEventRow]] = []
            var start = 0
            for size in sizes {
                batches.append(Array(rows[start..<(start + size)]))
                start += size
            }
            let reports = try load(batches, with: try pool(table, connections: 3))
            #expect(reports == sizes.map { PGLoadReport(inserted: $0, duplicates: 0) })
            #expect(try count(connection, table) == 700)
        }
    }

    @Test func loadingTwiceWithTwoConnectionsInsertsNothingNew() throws {
        try TestDatabase.withSchema { connection, schema in
            let table = PGEventTable(schema: schema)
            let rows = TestDatabase.rows(1000)
            let first = try load(batches(of: rows, size: 100), with: try pool(table, connections: 2))
            #expect(first.reduce(0) { $0 + $1.inserted } == 1000)
            // A re-run over the full table, plus new rows and ids repeated across batches loaded at the same time.
            let again = rows + TestDatabase.rows(300, idPrefix: "new") + TestDatabase.rows(300, idPrefix: "new")
            let second = try load(batches(of: again, size: 100), with: try pool(table, connections: 2))
            #expect(second.reduce(0) { $0 + $1.inserted } == 300)
            #expect(second.reduce(0) { $0 + $1.duplicates } == 1300)
            #expect(try count(connection, table) == 1300)
        }
    }

    @Test func aRefusedRowComesBackWithItsBatchAndTheRestLoads() throws {
        try TestDatabase.withSchema { connection, schema in
            let table = PGEventTable(schema: schema)
            var rows = TestDatabase.rows(400)
            rows[250].timestamp = "2026-13-45T00:00:00Z"
            let reports = try load(batches(of: rows, size: 100), with: try pool(table, connections: 2))
            #expect(reports.map(\.rejected.count) == [0, 0, 1, 0])
            #expect(reports[2].rejected.first?.index == 50)
            #expect(reports[2].rejected.first?.row.id == "evt_250")
            #expect(try count(connection, table) == 399)
        }
    }

    @Test func aFailureIsThrownAndLaterBatchesAreNotReported() throws {
        try TestDatabase.withSchema { _, schema in
            let table = PGEventTable(schema: schema)
            let loaders = try (0..<2).map { _ in
                EventLoader(connection: try TestDatabase.connect(), table: table)
            }
            // No table: every batch fails with "relation does not exist", which is not a row error.
            let pool = ParallelEventLoader(loaders: loaders)
            var reported = 0
            var thrown: PostgresError?
            do {
                for batch in batches(of: TestDatabase.rows(300), size: 50) {
                    try pool.submit(batch) { _ in reported += 1 }
                }
                try pool.finish()
            } catch let error as PostgresError {
                thrown = error
                pool.close()
            }
            #expect(thrown?.sqlState == PostgresError.SQLState.undefinedTable)
            #expect(reported == 0)
        }
    }

    /// Two connections inserting the same ids in crossing order deadlock; the server aborts one batch, which the
    /// loader retries instead of failing the load.
    @Test func aBatchAbortedByADeadlockIsRetried() throws {
        try TestDatabase.withSchema { connection, schema in
            let table = PGEventTable(schema: schema)
            let rows = TestDatabase.rows(2)
            let loaderConnection = try TestDatabase.connect()
            let loader = EventLoader(connection: loaderConnection, table: table)
            try loader.createTable()
            let pid = try loaderConnection.exec("SELECT pg_backend_pid()").scalar ?? ""
            // The other side holds evt_1 and, waiting longer before its deadlock check, is never the one aborted.
            let other = try TestDatabase.connect()
            try other.exec("SET deadlock_timeout = '30s'")
            try other.exec("BEGIN")
            try other.exec(
                "INSERT INTO \(table.qualifiedName) (id, timestamp, type, sandbox_id, run_id, data) "
                    + "VALUES ('evt_1', now(), 't', 's', 'r', '{}')"
            )
            let outcome = Outcome()
            let box = LoaderBox(loader: loader)
            let thread = Thread {
                // Inserts evt_0, then waits for evt_1.
                do { outcome.set(.success(try box.loader.load(rows))) } catch { outcome.set(.failure(error)) }
            }
            thread.start()
            var waiting = false
            for _ in 0..<500 where !waiting {
                waiting =
                    try connection.exec(
                        "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = \(pid)"
                    ).scalar == "t"
                if !waiting { usleep(10_000) }
            }
            #expect(waiting)
            // Now wait for evt_0: a deadlock, which the loader's connection detects first and is aborted for.
            try other.exec(
                "INSERT INTO \(table.qualifiedName) (id, timestamp, type, sandbox_id, run_id, data) "
                    + "VALUES ('evt_0', now(), 't', 's', 'r', '{}')"
            )
            try other.exec("COMMIT")
            let result = outcome.wait()
            #expect(try result.get() == PGLoadReport(inserted: 0, duplicates: 2))
            #expect(try count(connection, table) == 2)
        }
    }
}

/// A loader used by one thread at a time (the test's, then the load thread's).
private struct LoaderBox: @unchecked Sendable {
    let loader: EventLoader
}

/// A result handed from a thread to the test.
private final class Outcome: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<PGLoadReport, any Error>?

    func set(_ value: Result<PGLoadReport, any Error>) {
        condition.lock()
        result = value
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> Result<PGLoadReport, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }
}
