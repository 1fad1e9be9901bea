// The footer's structs, the subset of parquet.thrift this writer fills in, with their field ids:
// https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift

/// `Encoding` values used here.
enum Encoding: Int32 {
    case plain = 0
    case rle = 3
    case rleDictionary = 8
}

/// `PageType` values used here.
enum PageType: Int32 {
    case dataPage = 0
    case dictionaryPage = 2
}

/// `Statistics`: min_value/max_value (fields 6/5) in the column's type-defined order, PLAIN-encoded (byte arrays
/// without a length prefix); never the deprecated signed `min`/`max` (fields 2/1).
struct StatisticsMetadata {
    var nullCount: Int64
    var minValue: [UInt8]?
    var maxValue: [UInt8]?
    /// Set for DOUBLE columns (required with TYPE_ORDER for floating point), nil otherwise.
    var nanCount: Int64?

    func encode(_ e: inout ThriftCompactEncoder) {
        e.field(3, i64: nullCount)
        if let maxValue, let minValue {
            e.field(5, binary: maxValue)
            e.field(6, binary: minValue)
            e.field(7, bool: true)  // is_max_value_exact: bounds are never truncated here
            e.field(8, bool: true)  // is_min_value_exact
        }
        if let nanCount { e.field(9, i64: nanCount) }
    }
}

/// `ColumnMetaData`, wrapped in its `ColumnChunk` when encoded.
struct ColumnChunkMetadata {
    var type: PhysicalType
    var encodings: [Encoding]
    var path: [String]
    var codec: Int32
    var numValues: Int64
    var totalUncompressedSize: Int64
    var totalCompressedSize: Int64
    var dataPageOffset: Int64
    var dictionaryPageOffset: Int64?
    var statistics: StatisticsMetadata

    /// Encodes the `ColumnChunk` struct (file_offset 0, meta_data) as a list element.
    func encodeColumnChunk(_ e: inout ThriftCompactEncoder) {
        e.beginStructElement()
        e.field(2, i64: 0)  // file_offset: required, deprecated; 0 when no ColumnMetaData is written outside the footer
        e.beginStruct(3)  // meta_data: optional in the IDL, but "writers MUST populate this field"
        e.field(1, i32: type.rawValue)
        e.beginList(2, of: .i32, count: encodings.count)
        for encoding in encodings { e.element(i32: encoding.rawValue) }
        e.beginList(3, of: .binary, count: path.count)
        for component in path { e.element(string: component) }
        e.field(4, i32: codec)
        e.field(5, i64: numValues)
        e.field(6, i64: totalUncompressedSize)
        e.field(7, i64: totalCompressedSize)
        e.field(9, i64: dataPageOffset)
        if let dictionaryPageOffset { e.field(11, i64: dictionaryPageOffset) }
        e.beginStruct(12)
        statistics.encode(&e)
        e.endStruct()
        e.endStruct()
        e.endStruct()
    }
}

/// `RowGroup`.
struct RowGroupMetadata {
    var columns: [ColumnChunkMetadata]
    /// total_byte_size: the uncompressed size of the row group's pages, headers included.
    var totalByteSize: Int64
    var numRows: Int64
    /// file_offset: where the row group's first page (dictionary or data) starts.
    var fileOffset: Int64
    var totalCompressedSize: Int64
    var ordinal: Int16

    func encode(_ e: inout ThriftCompactEncoder) {
        e.beginStructElement()
        e.beginList(1, of: .structure, count: columns.count)
        for column in columns { column.encodeColumnChunk(&e) }
        e.field(2, i64: totalByteSize)
        e.field(3, i64: numRows)
        e.field(5, i64: fileOffset)
        e.field(6, i64: totalCompressedSize)
        e.field(7, i16: ordinal)
        e.endStruct()
    }
}

/// `FileMetaData`: the footer.
struct FileMetadata {
    var schema: ParquetSchema
    var numRows: Int64
    var rowGroups: [RowGroupMetadata]
    var keyValueMetadata: [(key: String, value: String)]
    var createdBy: String

    /// Appends the serialized struct to `out`.
    func encode(into out: ByteBuffer) {
        var e = ThriftCompactEncoder(into: out)
        // version: "writers should always populate 1" (parquet.thrift, FileMetaData.version)
        e.field(1, i32: 1)
        e.beginList(2, of: .structure, count: schema.columns.count + 1)
        e.beginStructElement()
        e.field(4, string: "schema")
        e.field(5, i32: Int32(schema.columns.count))
        e.endStruct()
        for column in schema.columns { Self.encodeSchemaElement(column, &e) }
        e.field(3, i64: numRows)
        e.beginList(4, of: .structure, count: rowGroups.count)
        for rowGroup in rowGroups { rowGroup.encode(&e) }
        if !keyValueMetadata.isEmpty {
            e.beginList(5, of: .structure, count: keyValueMetadata.count)
            for pair in keyValueMetadata {
                e.beginStructElement()
                e.field(1, string: pair.key)
                e.field(2, string: pair.value)
                e.endStruct()
            }
        }
        e.field(6, string: createdBy)
        // column_orders: TypeDefinedOrder (union field 1, an empty struct) for every leaf, without which readers
        // must treat min_value/max_value as undefined.
        e.beginList(7, of: .structure, count: schema.columns.count)
        for _ in schema.columns {
            e.beginStructElement()
            e.emptyStruct(1)
            e.endStruct()
        }
        e.endStruct()
    }

    /// A leaf `SchemaElement`: type, repetition OPTIONAL, name, converted_type and logicalType (LogicalTypes.md
    /// asks writers for both).
    private static func encodeSchemaElement(_ column: ParquetColumn, _ e: inout ThriftCompactEncoder) {
        e.beginStructElement()
        e.field(1, i32: column.kind.physicalType.rawValue)
        e.field(3, i32: 1)  // FieldRepetitionType.OPTIONAL
        e.field(4, string: column.name)
        switch column.kind {
        case .string:
            e.field(6, i32: 0)  // ConvertedType.UTF8
            e.beginStruct(10)
            e.emptyStruct(1)  // LogicalType.STRING
            e.endStruct()
        case .json:
            e.field(6, i32: 19)  // ConvertedType.JSON
            e.beginStruct(10)
            e.emptyStruct(12)  // LogicalType.JSON
            e.endStruct()
        case .timestampMicros:
            e.field(6, i32: 10)  // ConvertedType.TIMESTAMP_MICROS
            e.beginStruct(10)
            e.beginStruct(8)  // LogicalType.TIMESTAMP: TimestampType
            e.field(1, bool: true)  // isAdjustedToUTC
            e.beginStruct(2)  // unit: TimeUnit
            e.emptyStruct(2)  // MICROS
            e.endStruct()
            e.endStruct()
            e.endStruct()
        case .int64, .int32, .double, .boolean:
            break  // the physical type says it all (INT(64/32, signed) is implied, LogicalTypes.md)
        }
        e.endStruct()
    }
}

/// `PageHeader` with a `DataPageHeader` (v1) or a `DictionaryPageHeader`. No CRC is written (field 4 is optional).
enum PageHeader {
    /// A v1 data page of `numValues` values (nulls included), levels RLE.
    static func encodeDataPage(
        uncompressedSize: Int,
        compressedSize: Int,
        numValues: Int,
        encoding: Encoding,
        into out: ByteBuffer
    ) {
        var e = ThriftCompactEncoder(into: out)
        e.field(1, i32: PageType.dataPage.rawValue)
        e.field(2, i32: Int32(uncompressedSize))
        e.field(3, i32: Int32(compressedSize))
        e.beginStruct(5)
        e.field(1, i32: Int32(numValues))
        e.field(2, i32: encoding.rawValue)
        e.field(3, i32: Encoding.rle.rawValue)  // definition_level_encoding
        e.field(4, i32: Encoding.rle.rawValue)  // repetition_level_encoding (no repetition levels in a flat schema)
        e.endStruct()
        e.endStruct()
    }

    /// A dictionary page of `numValues` PLAIN values.
    static func encodeDictionaryPage(
        uncompressedSize: Int,
        compressedSize: Int,
        numValues: Int,
        into out: ByteBuffer
    ) {
        var e = ThriftCompactEncoder(into: out)
        e.field(1, i32: PageType.dictionaryPage.rawValue)
        e.field(2, i32: Int32(uncompressedSize))
        e.field(3, i32: Int32(compressedSize))
        e.beginStruct(7)
        e.field(1, i32: Int32(numValues))
        e.field(2, i32: Encoding.plain.rawValue)
        e.endStruct()
        e.endStruct()
    }
}
