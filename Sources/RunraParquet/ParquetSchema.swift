/// One column of a flat Parquet schema. Every column is OPTIONAL (nullable).
public struct ParquetColumn: Sendable {
    /// What a column holds, and so its physical and logical Parquet types (docs/parquet-format.md).
    public enum Kind: Sendable {
        /// UTF-8 text: BYTE_ARRAY annotated STRING (converted type UTF8).
        case string
        /// JSON text: BYTE_ARRAY annotated JSON (converted type JSON); no min/max statistics are kept.
        case json
        /// INT64.
        case int64
        /// INT32.
        case int32
        /// DOUBLE.
        case double
        /// BOOLEAN; never dictionary-encoded.
        case boolean
        /// Microseconds since 1970-01-01T00:00Z: INT64 annotated TIMESTAMP(isAdjustedToUTC=true, MICROS).
        case timestampMicros
    }

    /// The column's name in the schema.
    public var name: String
    /// What the column holds.
    public var kind: Kind
    /// Dictionary-encode (for low-cardinality columns); falls back to PLAIN when the dictionary grows too large.
    public var dictionary: Bool

    /// A column named `name` holding `kind` values, dictionary-encoded when `dictionary` is true.
    public init(name: String, kind: Kind, dictionary: Bool = false) {
        self.name = name
        self.kind = kind
        self.dictionary = dictionary
    }
}

/// A flat schema: the columns of every row, in order; every column is OPTIONAL.
public struct ParquetSchema: Sendable {
    /// The columns, in the order rows supply their values.
    public var columns: [ParquetColumn]

    /// A schema of `columns`, in that order.
    public init(_ columns: [ParquetColumn]) {
        self.columns = columns
    }
}

extension ParquetColumn.Kind {
    /// The physical type (`parquet.thrift` `Type`).
    var physicalType: PhysicalType {
        switch self {
        case .string, .json: .byteArray
        case .int64, .timestampMicros: .int64
        case .int32: .int32
        case .double: .double
        case .boolean: .boolean
        }
    }
}

/// `parquet.thrift` `Type`: the physical types this writer uses.
enum PhysicalType: Int32 {
    case boolean = 0
    case int32 = 1
    case int64 = 2
    case double = 5
    case byteArray = 6
}
