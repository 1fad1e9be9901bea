import RunraEvents
import RunraParquet
import RunraReplay

/// The `parquet` exporter's configuration, checked when it loads (every error names its key and what to write).
struct LakeSettings: Sendable {
    /// The layout on disk: plain Parquet files, or a Delta Lake table of them.
    enum Format: String, Sendable { case parquet, delta }
    /// How files are grouped into Hive-style directories by event time.
    enum PartitionBy: String, Sendable { case hour, day, none }

    var path: String
    var format = Format.parquet
    var partitionBy = PartitionBy.hour
    var compression = ParquetCompression.zstd
    /// A row group is closed once this much is buffered (encoded, compressed): it bounds memory (a row group is
    /// held until it is complete). 8 MiB holds about 250,000 rows of the runtime's events with zstd.
    var rowGroupBytes = 8 * 1024 * 1024
    /// A file is completed once it holds this many rows …
    var rollRows = 5_000_000
    /// … or about this many bytes.
    var rollBytes = 256 * 1024 * 1024
    /// … or this long after its first event was exported (fresh data lands within it).
    var rollIntervalMs = 10_000
    /// Columns promoted from `data` beside the built-in ones.
    var columns: [LakeColumn] = []
    /// Delta Lake: the application id of this writer's `txn` actions.
    var appId = "runra-events"

    static let keys = [
        "path", "format", "partitionBy", "compression", "rowGroupBytes", "rollRows", "rollBytes", "rollIntervalMs",
        "columns", "appId",
    ]

    init(_ configuration: ExporterConfiguration) throws {
        guard let path = try configuration.string("path"), !path.isEmpty else {
            throw configuration.error("path", "missing: the lake's directory, e.g. \"lake/\"")
        }
        self.path = path
        if let format = try configuration.choice("format", of: ["parquet", "delta"]) {
            self.format = Format(rawValue: format)!
        }
        if let partition = try configuration.choice("partitionBy", of: ["hour", "day", "none"]) {
            partitionBy = PartitionBy(rawValue: partition)!
        }
        if let codec = try configuration.choice("compression", of: ["zstd", "snappy", "none"]) {
            compression = ParquetCompression(rawValue: codec)!
        }
        rowGroupBytes =
            try Self.size("rowGroupBytes", in: configuration, within: 64 * 1024...(1 << 30)) ?? rowGroupBytes
        rollBytes = try Self.size("rollBytes", in: configuration, within: 64 * 1024...(1 << 40)) ?? rollBytes
        if let rows = try configuration.integer("rollRows") {
            guard rows >= 1 else { throw configuration.error("rollRows", "must be at least 1, got \(rows)") }
            rollRows = rows
        }
        if let interval = try configuration.integer("rollIntervalMs") {
            guard (100...86_400_000).contains(interval) else {
                throw configuration.error("rollIntervalMs", "must be between 100 and 86400000 (a day), got \(interval)")
            }
            rollIntervalMs = interval
        }
        if let appId = try configuration.string("appId") {
            guard !appId.isEmpty else { throw configuration.error("appId", "must not be empty") }
            self.appId = appId
        }
        if let columns = try configuration.object("columns") {
            self.columns = try LakeColumn.parse(columns)
        }
    }

    /// A size at `key`: a number of bytes or a text such as "64MB", within `range`.
    private static func size(
        _ key: String,
        in configuration: ExporterConfiguration,
        within range: ClosedRange<Int>
    ) throws -> Int? {
        guard let value = configuration.values[key], value != .null else { return nil }
        let bytes: Int
        if case .string(let text) = value {
            guard let parsed = try? ByteSize(parsing: text) else {
                throw configuration.error(
                    key,
                    "expected a size such as 67108864 or \"64MB\", got \(JSONText.quoted(text))"
                )
            }
            bytes = Int(parsed.bytes)
        } else {
            bytes = try configuration.integer(key) ?? 0
        }
        guard range.contains(bytes) else {
            throw configuration.error(
                key,
                "must be between \(range.lowerBound) and \(range.upperBound) bytes, got \(bytes)"
            )
        }
        return bytes
    }
}
