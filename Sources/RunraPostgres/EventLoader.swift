/// Loads batches of ``PGEventRow``s into the events table, idempotently on `id` (SPEC §7, PROTOCOLS §3.3).
///
/// Each batch is one transaction: `COPY` into a session-private staging table, then
/// `INSERT … SELECT … ON CONFLICT (id) DO NOTHING`, then `COMMIT`. Loading the same rows again inserts nothing.
/// While the loader has seen no conflict, a batch is first copied straight into the table (one statement,
/// all-or-nothing); the first unique violation (`23505`) switches it to staging for good, and that batch is redone.
///
/// A batch the server refuses for a row's content (SQLSTATE classes 22, 23, 54) is split, at the line the server
/// names or in halves, until the refused rows stand alone; those are returned as ``PGLoadReport/rejected`` and
/// every other row is loaded. Other failures (connection lost, missing table, permissions) are thrown.
/// One loader per connection, used from one task at a time.
public final class EventLoader {
    /// How batches reach the table.
    public enum Strategy: Sendable {
        /// Always COPY into the staging table, then `INSERT … ON CONFLICT DO NOTHING`.
        case staging
        /// COPY straight into the table until the first conflict, then staging (the default).
        case directUntilConflict
    }

    private let connection: PGConnection
    /// The target table.
    public let table: PGEventTable
    private var strategy: Strategy
    private let encoder: COPYTextEncoder
    private var stageReady = false
    private var buffer: [UInt8] = []
    /// Bytes encoded before they are handed to libpq, so the server parses while we encode.
    private let chunkSize = 256 * 1024

    /// A loader into `table` over `connection`.
    public init(connection: PGConnection, table: PGEventTable, strategy: Strategy = .directUntilConflict) {
        self.connection = connection
        self.table = table
        self.strategy = strategy
        encoder = COPYTextEncoder(sanitizesJSONB: table.dataColumn == .jsonb)
        buffer.reserveCapacity(chunkSize + 64 * 1024)
    }

    /// Creates the schema, table and indexes of SPEC §5 if they do not exist.
    public func createTable() throws(PostgresError) {
        for statement in table.createStatements { try connection.exec(statement) }
    }

    /// Turns `synchronous_commit` off for this connection: a commit no longer waits for its WAL to reach disk.
    ///
    /// A server crash may then lose the last few commits (never half a batch, never corruption). Right for
    /// `load-pg`, whose re-run reloads them; wrong where a commit is a promise, as in the `postgres` exporter,
    /// whose checkpoint moves past a batch once it is committed.
    public func commitAsynchronously() throws(PostgresError) {
        try connection.exec("SET synchronous_commit = off")
    }

    /// Loads `rows` (one transaction, or several when rows are refused) and says what happened.
    public func load(_ rows: [PGEventRow]) throws(PostgresError) -> PGLoadReport {
        var report = PGLoadReport()
        guard !rows.isEmpty else { return report }
        // Ranges still to load, last one on top; kept in order so rejections come out by index.
        var pending: [Range<Int>] = [rows.indices]
        var retries = 0
        while let range = pending.popLast() {
            do {
                let inserted = try attempt(rows[range])
                report.inserted += inserted
                report.duplicates += range.count - inserted
            } catch  where error.sqlStateClass == "40" && connection.isOpen && retries < Self.maximumRetries {
                // A deadlock or serialization failure with another connection loading the same ids: nothing of
                // this range was committed, so it is simply tried again.
                retries += 1
                pending.append(range)
            } catch  where Self.isRowError(error) && connection.isOpen {
                if range.count == 1 {
                    report.rejected.append(
                        PGRejectedRow(
                            index: range.lowerBound,
                            row: rows[range.lowerBound],
                            message: error.serverMessage,
                            sqlState: error.sqlState
                        )
                    )
                    continue
                }
                for part in Self.split(range, failedLine: Self.failedLine(error)).reversed() where !part.isEmpty {
                    pending.append(part)
                }
            }
        }
        return report
    }

    /// Loads `rows` as one transaction and returns how many were inserted.
    private func attempt(_ rows: ArraySlice<PGEventRow>) throws(PostgresError) -> Int {
        if strategy == .directUntilConflict {
            do {
                return try copy(rows, into: table.qualifiedName)
            } catch  where error.sqlState == PostgresError.SQLState.uniqueViolation {
                strategy = .staging
            }
        }
        try prepareStage()
        try connection.exec("BEGIN")
        do {
            try copy(rows, into: Self.stage)
            let insert = try connection.exec(
                """
                INSERT INTO \(table.qualifiedName) (\(PGEventTable.columns)) \
                SELECT \(PGEventTable.columns) FROM \(Self.stage) ON CONFLICT (id) DO NOTHING
                """
            )
            try connection.exec("COMMIT")
            return insert.affectedRows
        } catch {
            if connection.isOpen { _ = try? connection.exec("ROLLBACK") }
            throw error
        }
    }

    /// How often a batch is retried after a deadlock (`40P01`) or serialization failure (`40001`).
    static let maximumRetries = 5

    /// The session's staging table: private, emptied at every commit (and by any rollback).
    private static let stage = PostgresIdentifier.quote("runra_stage")

    private func prepareStage() throws(PostgresError) {
        guard !stageReady else { return }
        try connection.exec(
            "CREATE TEMP TABLE IF NOT EXISTS \(Self.stage) (LIKE \(table.qualifiedName)) ON COMMIT DELETE ROWS"
        )
        stageReady = true
    }

    /// COPYs `rows` into `target`, encoding as it sends; returns the rows copied.
    @discardableResult
    private func copy(_ rows: ArraySlice<PGEventRow>, into target: String) throws(PostgresError) -> Int {
        try connection.copyIn("COPY \(target) (\(PGEventTable.columns)) FROM STDIN") {
            (stream: CopyInStream) throws(PostgresError) in
            buffer.removeAll(keepingCapacity: true)
            for row in rows {
                encoder.append(row, to: &buffer)
                if buffer.count >= chunkSize {
                    try stream.send(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            if !buffer.isEmpty { try stream.send(buffer) }
        }
    }

    /// Whether `error` is about a row's content (so splitting the batch can isolate it).
    static func isRowError(_ error: PostgresError) -> Bool {
        guard error.code == .copyFailed || error.code == .statementFailed else { return false }
        switch error.sqlStateClass {
        case "22", "23", "54": return true
        default: return false
        }
    }

    /// The 1-based COPY line the server blamed (`CONTEXT: COPY t, line 3, column …`), if any.
    static func failedLine(_ error: PostgresError) -> Int? {
        guard let context = error.serverContext, let marker = context.firstRange(of: ", line ") else { return nil }
        let digits = context[marker.upperBound...].prefix(while: { $0.isASCII && $0.isNumber })
        return Int(digits)
    }

    /// Splits `range` around the blamed line (before, the line, after), or in halves without a usable line.
    static func split(_ range: Range<Int>, failedLine: Int?) -> [Range<Int>] {
        if let line = failedLine, line >= 1, line <= range.count {
            let bad = range.lowerBound + line - 1
            return [range.lowerBound..<bad, bad..<(bad + 1), (bad + 1)..<range.upperBound]
        }
        let middle = range.lowerBound + range.count / 2
        return [range.lowerBound..<middle, middle..<range.upperBound]
    }
}
