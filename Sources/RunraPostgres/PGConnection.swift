internal import CLibPQ

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// One libpq connection (`PGconn`), closed when the object goes away.
///
/// Blocking: every call waits for the server. Not thread-safe: use one connection from one task at a time.
public final class PGConnection {
    private let conn: OpaquePointer
    /// Passwords to scrub from messages (from the connection string and libpq's `PQpass`).
    private let secrets: [String]
    /// The connection string with its password masked, for messages.
    public let displayName: String

    /// Connects with a libpq URI (`postgresql://…`), a `key=value` string, or `""` for the `PG*` environment
    /// variables.
    ///
    /// `sslMode` applies only when the connection string has no `sslmode` of its own (SPEC §9); `PGSSLMODE`
    /// applies when neither gives one. The client encoding is always UTF-8.
    /// The corresponding C function is `PQconnectdbParams` (with `expand_dbname`).
    public init(connectionString: String, sslMode: SSLMode? = nil) throws(PostgresError) {
        displayName = connectionString.isEmpty ? "(PG* environment)" : ConnectionString.masked(connectionString)
        // libpq is loaded on first use, not at start-up (CLibPQ.h).
        var loadFailure = [CChar](repeating: 0, count: 512)
        guard runra_pq_load(&loadFailure, loadFailure.count) == 0 else {
            throw PostgresError(
                .connectionFailed,
                context: "connecting to \(displayName)",
                serverMessage: String(
                    decoding: loadFailure.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                    as: UTF8.self
                )
            )
        }
        // Later keywords override earlier ones; the expanded connection string (dbname) overrides sslmode.
        var pairs: [(String, String)] = [("fallback_application_name", "runra-events")]
        if let sslMode { pairs.append(("sslmode", sslMode.rawValue)) }
        pairs.append(("dbname", connectionString))
        pairs.append(("client_encoding", "UTF8"))
        let keywords = pairs.map { strdup($0.0) } + [nil]
        let values = pairs.map { strdup($0.1) } + [nil]
        defer {
            for pointer in keywords { free(pointer) }
            for pointer in values { free(pointer) }
        }
        let connection: OpaquePointer? = keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { keywordsBuffer in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valuesBuffer in
                runra_PQconnectdbParams(keywordsBuffer.baseAddress, valuesBuffer.baseAddress, 1)
            }
        }
        var secrets = ConnectionString.passwords(in: connectionString)
        guard let connection else {
            throw PostgresError(
                .connectionFailed,
                context: "connecting to \(displayName)",
                serverMessage: "out of memory"
            )
        }
        if let pass = runra_PQpass(connection), pass.pointee != 0 { secrets.append(String(cString: pass)) }
        self.secrets = secrets
        guard runra_PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(runra_PQerrorMessage(connection))
            runra_PQfinish(connection)
            var error = PostgresError(
                .connectionFailed,
                context: "connecting to \(displayName)",
                serverMessage: message
            )
            for secret in secrets { error = error.scrubbing(secret) }
            throw error
        }
        // NOTICEs ("relation … already exists, skipping") would go to stderr; they are not errors.
        runra_PQsetNoticeProcessor(connection, { _, _ in }, nil)
        conn = connection
    }

    deinit { runra_PQfinish(conn) }

    /// Whether the connection is still usable (libpq's `PQstatus` is `CONNECTION_OK`).
    public var isOpen: Bool { runra_PQstatus(conn) == CONNECTION_OK }

    /// The server's version number, e.g. `150018` for 15.18 (`PQserverVersion`).
    public var serverVersion: Int { Int(runra_PQserverVersion(conn)) }

    /// Runs one or more SQL statements with no parameters and returns the last statement's result.
    ///
    /// The corresponding C function is `PQexec`.
    @discardableResult
    public func exec(_ sql: String) throws(PostgresError) -> PGQueryResult {
        let result = runra_PQexec(conn, sql)
        return try consume(result, context: "running \(Self.summary(sql))")
    }

    /// Runs one statement with `$1`, `$2`, … bound to `parameters` as text (`nil` is SQL NULL).
    ///
    /// The corresponding C function is `PQexecParams`.
    @discardableResult
    public func exec(_ sql: String, parameters: [String?]) throws(PostgresError) -> PGQueryResult {
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { for pointer in copies { free(pointer) } }
        let result = copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            runra_PQexecParams(conn, sql, Int32(buffer.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        return try consume(result, context: "running \(Self.summary(sql))")
    }

    /// Turns a `PGresult` into a ``PGQueryResult`` or a ``PostgresError``, and frees it.
    func consume(_ result: OpaquePointer?, context: String) throws(PostgresError) -> PGQueryResult {
        guard let result else { throw connectionError(context: context) }
        defer { runra_PQclear(result) }
        switch runra_PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PGQueryResult(result)
        default:
            throw error(from: result, context: context)
        }
    }

    /// The error a failed `PGresult` describes.
    func error(
        from result: OpaquePointer,
        context: String,
        code: PostgresError.Code = .statementFailed
    )
        -> PostgresError
    {
        func field(_ name: Int32) -> String? {
            runra_PQresultErrorField(result, name).map { String(cString: $0) }
        }
        let message = field(CLibPQ_DIAG_MESSAGE_PRIMARY) ?? Self.trimmed(runra_PQresultErrorMessage(result))
        var error = PostgresError(
            isOpen ? code : .connectionLost,
            context: context,
            serverMessage: message.isEmpty ? Self.trimmed(runra_PQerrorMessage(conn)) : message,
            sqlState: field(CLibPQ_DIAG_SQLSTATE),
            detail: field(CLibPQ_DIAG_MESSAGE_DETAIL)
        )
        error.serverContext = field(CLibPQ_DIAG_CONTEXT)
        return scrubbed(error)
    }

    /// The error libpq reports on the connection itself (no result to read).
    func connectionError(context: String, code: PostgresError.Code = .statementFailed) -> PostgresError {
        scrubbed(
            PostgresError(
                isOpen ? code : .connectionLost,
                context: context,
                serverMessage: Self.trimmed(runra_PQerrorMessage(conn))
            )
        )
    }

    private func scrubbed(_ error: PostgresError) -> PostgresError {
        var error = error
        for secret in secrets { error = error.scrubbing(secret) }
        return error
    }

    /// The raw `PGconn`, for the COPY extension.
    var handle: OpaquePointer { conn }

    static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        var text = String(cString: message)
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }

    /// The first words of a statement, for error context (never its data).
    static func summary(_ sql: String) -> String {
        let words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).prefix(4)
        return words.joined(separator: " ") + (words.count == 4 ? " …" : "")
    }
}
