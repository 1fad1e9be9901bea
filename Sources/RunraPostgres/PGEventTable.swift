/// Where events go: a schema, a table, and the type of its `data` column (SPEC §5).
public struct PGEventTable: Sendable, Equatable {
    /// The type of the `data` column.
    public enum DataColumn: String, Sendable {
        /// `JSONB` (`--json-column`, the default): queryable with `->`, `->>`.
        case jsonb = "JSONB"
        /// `TEXT` (`--text-column`): the JSON text kept byte for byte.
        case text = "TEXT"
    }

    /// The default table name, `runra_events`.
    public static let defaultName = "runra_events"

    /// The schema (`public` by default).
    public var schema: String
    /// The table name (`runra_events` by default).
    public var name: String
    /// The type of the `data` column.
    public var dataColumn: DataColumn

    /// A table description; names are used as given (always quoted in SQL).
    public init(schema: String = "public", name: String = PGEventTable.defaultName, dataColumn: DataColumn = .jsonb) {
        self.schema = schema
        self.name = name
        self.dataColumn = dataColumn
    }

    /// `"schema"."name"`.
    public var qualifiedName: String { PostgresIdentifier.qualified(schema: schema, name) }

    /// The loaded columns, in COPY order.
    static let columns = "id, timestamp, type, sandbox_id, run_id, data"

    /// The index name for `suffix`: `idx_events_type` for the default table, else `idx_<table>_type`.
    func indexName(_ suffix: String) -> String {
        let stem = name == Self.defaultName ? "events" : name
        return "idx_\(stem)_\(suffix)"
    }

    /// The SPEC §5 statements: the schema (unless `public`), the table and its four indexes, all `IF NOT EXISTS`.
    public var createStatements: [String] {
        var statements: [String] = []
        if schema != "public", !schema.isEmpty {
            statements.append("CREATE SCHEMA IF NOT EXISTS \(PostgresIdentifier.quote(schema))")
        }
        statements.append(
            """
            CREATE TABLE IF NOT EXISTS \(qualifiedName) (
              id TEXT PRIMARY KEY, timestamp TIMESTAMPTZ NOT NULL, type TEXT NOT NULL,
              sandbox_id TEXT NOT NULL, run_id TEXT NOT NULL, data \(dataColumn.rawValue) NOT NULL,
              created_at TIMESTAMPTZ DEFAULT NOW())
            """
        )
        for (suffix, column) in [
            ("type", "type"), ("sandbox", "sandbox_id"), ("run", "run_id"), ("timestamp", "timestamp DESC"),
        ] {
            statements.append(
                "CREATE INDEX IF NOT EXISTS \(PostgresIdentifier.quote(indexName(suffix))) "
                    + "ON \(qualifiedName) (\(column))"
            )
        }
        return statements
    }
}
