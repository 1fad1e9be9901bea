/// The codec that compresses every page (`parquet.thrift` `CompressionCodec`).
public enum ParquetCompression: String, Sendable, CaseIterable {
    /// ZSTD (a standard zstd frame per page); the default.
    case zstd
    /// SNAPPY (the raw block format, not the framing format).
    case snappy
    /// UNCOMPRESSED.
    case none

    /// The `CompressionCodec` value written to every column chunk's metadata.
    var codec: Int32 {
        switch self {
        case .none: 0
        case .snappy: 1
        case .zstd: 6
        }
    }
}

/// How a `ParquetWriter` lays out and compresses a file.
public struct ParquetWriterOptions: Sendable {
    /// The codec for every page. Default: zstd.
    public var compression: ParquetCompression = .zstd
    /// The zstd level (1…22, negative for faster); nil: the library's default, 3. Ignored by other codecs.
    public var compressionLevel: Int? = nil
    /// A row group is closed once its buffered (encoded) size reaches this many bytes. Default: 32 MiB, which
    /// bounds the writer's memory (a row group is held until it is complete). Minimum 1.
    public var rowGroupBytes: Int
    /// A data page is cut at about this many bytes of encoded values (or 20,000 values). Default: 1 MiB. Minimum 1.
    public var pageBytes: Int
    /// Key/value pairs stored in the footer (`FileMetaData.key_value_metadata`).
    public var keyValueMetadata: [(key: String, value: String)] = []
    /// The writing application, stored in the footer as `<createdBy> version <version>` when it names no version
    /// itself (parquet-java ignores string statistics without one). Default: "runra-events".
    public var createdBy: String = "runra-events"

    /// Options with the defaults above; every argument may be left out.
    public init(
        compression: ParquetCompression = .zstd,
        compressionLevel: Int? = nil,
        rowGroupBytes: Int = 32 << 20,
        pageBytes: Int = 1 << 20,
        keyValueMetadata: [(key: String, value: String)] = [],
        createdBy: String = "runra-events"
    ) {
        self.compression = compression
        self.compressionLevel = compressionLevel
        self.rowGroupBytes = rowGroupBytes
        self.pageBytes = pageBytes
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
    }
}
