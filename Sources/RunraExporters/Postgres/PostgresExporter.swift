public import RunraEvents
internal import RunraPostgres
public import RunraReplay

/// The `postgres` exporter: loads each batch into the events table with the same ``EventLoader`` as
/// `load-pg` (COPY, then `INSERT … ON CONFLICT (id) DO NOTHING`, one transaction per batch), so a batch sent
/// twice (a resumed replay) inserts nothing the second time.
///
/// - `export` returns once the batch is committed. Rows PostgreSQL refuses (a bad timestamp, a missing `id`)
///   come back as ``RejectedEvent``s with the server's message and SQLSTATE; the other rows load.
/// - A lost connection is reconnected once and the batch retried (safe: loading is idempotent on `id`);
///   if that fails too, `export` throws and the batch is given up.
/// - libpq blocks, so the actor runs on its own ``BlockingExecutor``, off the cooperative pool; the
///   connection never leaves it. Messages show the connection string with its password masked.
public actor PostgresExporter: EventExporter {
    public nonisolated let id = "postgres"

    private let executor = BlockingExecutor(label: "runra-events.postgres-exporter")
    private var settings: PostgresExporterSettings?
    private var connection: PGConnection?
    private var loader: EventLoader?

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// An exporter that does nothing until ``initialize(configuration:)``.
    public init() {}

    public func initialize(configuration: ExporterConfiguration) async throws {
        let settings = try PostgresExporterSettings(configuration)
        self.settings = settings
        try connect(settings)
        if settings.createTable {
            do {
                try loader?.createTable()
            } catch {
                throw failure(error, "could not create \(settings.table.qualifiedName)")
            }
        }
        try checkDataColumn(settings)
    }

    /// `useJsonColumn` against an existing table whose `data` column has the other type: COPY would convert
    /// silently (text into jsonb re-encodes, jsonb into text is jsonb's form), so it is a configuration error.
    private func checkDataColumn(_ settings: PostgresExporterSettings) throws {
        guard let connection else { return }
        let table = settings.table
        let found: String?
        do {
            found = try connection.exec(
                "SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND "
                    + "column_name = 'data'",
                parameters: [table.schema, table.name]
            ).scalar
        } catch {
            throw failure(error, "could not read the columns of \(table.qualifiedName)")
        }
        guard let found, ["jsonb", "text"].contains(found), found != table.dataColumn.rawValue.lowercased() else {
            return
        }
        let wanted = found == "jsonb"
        throw RunraError(
            .configuration,
            "postgres exporter: \(table.qualifiedName) already has a \(found) data column, but "
                + "useJsonColumn is \(!wanted): "
                + "set useJsonColumn: \(wanted) to write into it, or name another table"
        )
    }

    public func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome {
        guard let settings else {
            throw RunraError(.exporter, "postgres exporter: export called before initialize")
        }
        guard !events.isEmpty else { return .accepted }
        // No loader: an earlier reconnection failed; try again for this batch.
        let loader = try self.loader ?? connect(settings)
        let rows = events.map(PGEventRow.init(event:))
        var retries = 0
        let report: PGLoadReport
        do {
            report = try loader.load(rows)
        } catch {
            guard error.code == .connectionLost || connection?.isOpen != true else {
                throw failure(error, "gave up on a batch of \(events.count) events")
            }
            // The batch's transaction did not commit, or committed unseen: loading again is safe either way.
            let fresh: EventLoader
            do {
                fresh = try reconnect(settings)
            } catch let failure {
                let lost = error.serverMessage.split(separator: "\n").first.map(String.init) ?? error.serverMessage
                throw RunraError(
                    .exporter,
                    "postgres exporter: gave up on a batch of \(events.count) events: the connection "
                        + "was lost (\(lost)) "
                        + "and reconnecting failed: \(failure)"
                )
            }
            retries = 1
            do {
                report = try fresh.load(rows)
            } catch {
                throw failure(error, "gave up on a batch of \(events.count) events after reconnecting once")
            }
        }
        // The COPY text's size, give or take escapes.
        var bytes = 0
        for row in rows {
            bytes +=
                row.id.utf8.count + row.timestamp.utf8.count + row.type.utf8.count + row.sandboxId.utf8.count
                + row.runId.utf8.count + row.dataJSON.count + 6
        }
        let rejected = report.rejected.map { row in
            RejectedEvent(event: events[row.index], reason: row.message, status: row.sqlState)
        }
        return ExportOutcome(rejected: rejected, retries: retries, bytesSent: bytes)
    }

    /// Every ``export(_:)`` commits its batch, so there is nothing left to flush.
    public func flush() async throws {}

    public func dispose() async {
        loader = nil
        connection = nil
    }

    /// Connects and makes a fresh loader, with a hint when SSL is the problem.
    @discardableResult
    private func connect(_ settings: PostgresExporterSettings) throws -> EventLoader {
        do {
            return try reconnect(settings)
        } catch {
            var message = "postgres exporter: \(error)"
            if let mode = settings.sslMode, error.serverMessage.mentionsSSL {
                message += " (config ssl means sslmode=\(mode); an sslmode in the connection string wins over it)"
            }
            throw RunraError(.exporter, message)
        }
    }

    /// Drops the current connection, connects again and makes a fresh loader.
    private func reconnect(_ settings: PostgresExporterSettings) throws(PostgresError) -> EventLoader {
        loader = nil
        connection = nil
        let connection = try PGConnection(connectionString: settings.connectionString, sslMode: settings.sslMode)
        let loader = EventLoader(connection: connection, table: settings.table)
        self.connection = connection
        self.loader = loader
        return loader
    }

    private func failure(_ error: PostgresError, _ what: String) -> RunraError {
        RunraError(.exporter, "postgres exporter: \(what): \(error)")
    }
}

extension String {
    /// Whether a libpq message is about SSL.
    fileprivate var mentionsSSL: Bool { contains("SSL") || contains("ssl") }
}
