/// What a closed file holds: what a table log (for example Delta's `add` action) records about it.
public struct ParquetFileSummary: Sendable {
    /// The number of rows.
    public var rows: Int
    /// The file's size in bytes.
    public var bytes: Int
    /// Per column, in schema order, over the whole file.
    public var columns: [ParquetColumnSummary]
}

/// The statistics of one column over a whole file; the same values as its column chunks' statistics.
public struct ParquetColumnSummary: Sendable {
    /// The column's name.
    public var name: String
    /// How many rows have no value in this column.
    public var nullCount: Int
    /// The smallest value (Parquet's order for the column's type); nil when there are no non-null values or the
    /// column keeps none (json columns, a chunk with a string longer than 1 KiB, a double column of only NaN).
    public var min: ParquetStatistic?
    /// The largest value; nil in the same cases as `min`.
    public var max: ParquetStatistic?
}

/// A statistics value, typed by the column's kind. `bytes` for string columns (compared byte-wise unsigned).
/// For doubles a zero minimum is -0.0 and a zero maximum +0.0, and NaN is never a bound (parquet.thrift, ColumnOrder).
public enum ParquetStatistic: Sendable, Equatable {
    case int64(Int64)
    case int32(Int32)
    case double(Double)
    case bool(Bool)
    case bytes([UInt8])
    case timestampMicros(Int64)
}
