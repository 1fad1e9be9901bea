public import RunraEvents

/// `load-pg` as a library call: reads events and loads them into one table over several connections at once
/// (``ParallelEventLoader``), creating the table when asked, and counts what happened. Idempotent on `id`: loading
/// the same events again inserts nothing.
public struct PGBulkLoad {
    /// Where and how to load.
    public struct Settings: Sendable {
        /// A libpq URI or key=value string.
        public var connectionString: String
        /// An `sslmode` for a connection string that has none.
        public var sslMode: SSLMode?
        public var table: PGEventTable
        /// Create the schema, table and indexes when missing (on the first connection, before loading).
        public var createTable = true
        /// Connections loading batches in parallel, each batch in its own transaction.
        public var connections = 2
        /// Wait for each batch's WAL flush at commit (off: a server crash may lose the last commits).
        public var synchronousCommit = false
        /// Events per transaction.
        public var batchSize = 5000

        /// Settings for `table` at `connectionString`, the other values at their defaults.
        public init(connectionString: String, table: PGEventTable) {
            self.connectionString = connectionString
            self.table = table
        }
    }

    /// What a load did.
    public struct Totals: Sendable {
        /// What the input held (lines, events, bad lines, unreadable inputs).
        public var read = ReadSummary()
        /// Rows that were new and are now in the table.
        public var inserted = 0
        /// Rows whose `id` was already there.
        public var duplicates = 0
        /// Rows PostgreSQL refused.
        public var rejected = 0
        /// Bytes of the events' lines read so far (with their newlines), for a progress line.
        public var bytesRead = 0

        /// Rows committed: inserted or already there.
        public var committed: Int { inserted + duplicates }
    }

    public var settings: Settings
    /// Keep each event's line for ``onRejected`` (to dead-letter it).
    public var keepsLines = false
    /// Sees bad input lines; throw from it to stop (`--strict`).
    public var onBadLine: (BadLine) throws -> Void = { _ in }
    /// Hears of each row PostgreSQL refused, with its event's line when ``keepsLines``; throw to stop.
    public var onRejected: (PGRejectedRow, [UInt8]?) throws -> Void = { _, _ in }
    /// Hears of the totals after each batch is handed to a connection.
    public var onProgress: (Totals) -> Void = { _ in }
    /// Asked after each batch: `true` stops reading (Ctrl-C); the batches in flight still commit.
    public var shouldStop: () -> Bool = { false }

    /// A load with `settings` and no callbacks.
    public init(settings: Settings) {
        self.settings = settings
    }

    /// Reads `reader` to its end (or until ``shouldStop``) and loads its events. A database failure is thrown as a
    /// ``RunraError`` with code `.exporter` that says how many events were loaded before it; an error thrown by a
    /// callback or by the reader is thrown as it is.
    public func run(_ reader: EventBatchReader) throws -> Totals {
        var totals = Totals()
        var pool: ParallelEventLoader?
        defer { pool?.close() }
        do {
            let loaders = try openLoaders()
            let loaderPool = ParallelEventLoader(loaders: loaders)
            pool = loaderPool
            let keepsLines = self.keepsLines
            totals.read = try reader.forEachBatch(
                batchSize: settings.batchSize,
                transform: { event in LoadItem(event, keepsLine: keepsLines) },
                onBadLine: onBadLine,
                body: { items in
                    totals.bytesRead += items.reduce(0) { $0 + $1.bytes }
                    try loaderPool.submit(items.map(\.row)) { report in
                        for rejected in report.rejected { try onRejected(rejected, items[rejected.index].line) }
                        totals.inserted += report.inserted
                        totals.duplicates += report.duplicates
                        totals.rejected += report.rejected.count
                    }
                    onProgress(totals)
                    return !shouldStop()
                }
            )
            try loaderPool.finish()
        } catch let error as PostgresError {
            let loaded =
                totals.inserted > 0
                ? " (\(totals.inserted) events were loaded; run the same command again to finish: already loaded "
                    + "events are skipped)"
                : ""
            throw RunraError(.exporter, "\(error)\(loaded)")
        }
        return totals
    }

    /// One loader per connection; the first creates the table when asked.
    private func openLoaders() throws(PostgresError) -> [EventLoader] {
        var loaders: [EventLoader] = []
        for _ in 0..<settings.connections {
            let connection = try PGConnection(connectionString: settings.connectionString, sslMode: settings.sslMode)
            let loader = EventLoader(connection: connection, table: settings.table)
            if loaders.isEmpty, settings.createTable { try loader.createTable() }
            if !settings.synchronousCommit { try loader.commitAsynchronously() }
            loaders.append(loader)
        }
        return loaders
    }
}

/// One event on its way to the table, with its line when rejected rows are dead-lettered, and its size for the
/// progress line.
private struct LoadItem: Sendable {
    var row: PGEventRow
    var line: [UInt8]?
    var bytes: Int

    init(_ event: RuntimeEvent, keepsLine: Bool) {
        row = PGEventRow(event: event)
        line = keepsLine ? event.line : nil
        bytes = event.line.count + 1
    }
}
