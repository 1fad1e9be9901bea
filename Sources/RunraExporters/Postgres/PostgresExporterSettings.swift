internal import RunraEvents
internal import RunraPostgres
internal import RunraReplay

/// The `postgres` exporter's `config`, validated (SPEC §7, §9 "postgres ssl").
struct PostgresExporterSettings: Sendable {
    /// The keys the exporter accepts.
    static let keys = [
        "connectionString", "table", "schema", "batchSize", "flushIntervalMs", "createTable", "useJsonColumn", "ssl",
    ]

    /// A libpq URI or `key=value` string; `""` leaves everything to the `PG*` variables.
    var connectionString: String
    var table: PGEventTable
    var batchSize: Int
    var flushIntervalMs: Int
    var createTable: Bool
    /// The `ssl` option as an sslmode; an `sslmode` in the connection string wins over it (libpq's rule).
    var sslMode: SSLMode?

    init(_ configuration: ExporterConfiguration) throws {
        connectionString =
            try configuration.string("connectionString") ?? configuration.environment["DATABASE_URL"] ?? ""
        let name = try configuration.string("table") ?? PGEventTable.defaultName
        let schema = try configuration.string("schema") ?? "public"
        if name.isEmpty { throw configuration.error("table", "must not be empty") }
        if schema.isEmpty { throw configuration.error("schema", "must not be empty") }
        let useJSON = try configuration.bool("useJsonColumn") ?? true
        table = PGEventTable(schema: schema, name: name, dataColumn: useJSON ? .jsonb : .text)
        batchSize = try configuration.integer("batchSize") ?? 50
        if batchSize <= 0 { throw configuration.error("batchSize", "must be a positive number of events") }
        flushIntervalMs = try configuration.integer("flushIntervalMs") ?? 2000
        if flushIntervalMs < 0 { throw configuration.error("flushIntervalMs", "must not be negative") }
        createTable = try configuration.bool("createTable") ?? true
        sslMode = try Self.sslMode(configuration)
    }

    /// `true` → `require`, `false` → `disable`, a string → that sslmode (SPEC §9).
    private static func sslMode(_ configuration: ExporterConfiguration) throws -> SSLMode? {
        guard let value = configuration.values["ssl"], value != .null else { return nil }
        switch value {
        case .bool(let flag):
            return SSLMode(flag: flag)
        case .string(let text):
            if let flag = try? configuration.bool("ssl") { return SSLMode(flag: flag) }
            if let mode = SSLMode(rawValue: text) { return mode }
            let modes = SSLMode.all.map(\.rawValue)
            throw configuration.error(
                "ssl",
                "expected true, false or one of \(modes.joined(separator: ", ")), got \"\(text)\""
                    + ExporterConfiguration.suggestion(for: text, in: modes)
            )
        default:
            throw configuration.error("ssl", "expected true, false or an sslmode string such as \"require\"")
        }
    }
}
