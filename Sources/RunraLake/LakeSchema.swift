import RunraEvents
import RunraParquet

/// The lake's columns: the built-in ones (SPEC §10), the promoted ones, and `raw`, in that order.
struct LakeSchema: Sendable {
    /// The built-in columns before the promoted ones.
    static let builtIn: [ParquetColumn] = [
        ParquetColumn(name: "id", kind: .string),
        ParquetColumn(name: "timestamp", kind: .timestampMicros),
        ParquetColumn(name: "type", kind: .string, dictionary: true),
        ParquetColumn(name: "sandbox_id", kind: .string, dictionary: true),
        ParquetColumn(name: "run_id", kind: .string, dictionary: true),
        ParquetColumn(name: "level", kind: .string, dictionary: true),
        ParquetColumn(name: "data", kind: .json),
        ParquetColumn(name: "duration_ms", kind: .int64, dictionary: true),
        ParquetColumn(name: "exit_code", kind: .int32, dictionary: true),
    ]
    static let raw = ParquetColumn(name: "raw", kind: .json)
    /// Names a promoted column cannot take: the columns above, and the partition columns.
    static var builtInNames: [String] { builtIn.map(\.name) + [raw.name, "dt", "hour"] }

    let promoted: [LakeColumn]
    let promotedPaths: [JSONPath]

    init(promoted: [LakeColumn]) {
        self.promoted = promoted
        promotedPaths = promoted.map { JSONPath($0.path.map { .key($0) }) }
    }

    var parquet: ParquetSchema {
        ParquetSchema(Self.builtIn + promoted.map { ParquetColumn(name: $0.name, kind: $0.parquetKind) } + [Self.raw])
    }

    static func sparkType(_ kind: ParquetColumn.Kind) -> String {
        switch kind {
        case .string, .json: return "string"
        case .int64: return "long"
        case .int32: return "integer"
        case .double: return "double"
        case .boolean: return "boolean"
        case .timestampMicros: return "timestamp"
        }
    }
}
