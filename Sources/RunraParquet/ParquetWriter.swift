/// Writes one Parquet file, row by row: `PAR1`, row groups of column chunks, the footer (compact-Thrift
/// `FileMetaData`), its 4-byte little-endian length, `PAR1` (README.md "File Format"; docs/parquet-format.md).
///
/// A row is one call per column in schema order (`appendNull()` or the `append` for the column's kind), then
/// `endRow()`. Wrong calls (a value of another kind, too few or too many values) are programming errors and trap;
/// I/O failures throw `ParquetError`. Not thread-safe: one writer per file, used from one thread at a time.
public final class ParquetWriter {
    private let schema: ParquetSchema
    private let options: ParquetWriterOptions
    private let output: FileOutput
    private let compressor: PageCompressor
    private let builder: PageBuilder
    /// Mutated in place, one call per value (ColumnChunkWriters.swift).
    private let columns: ColumnChunkWriters
    private let dictionaryPageScratch = ByteBuffer(capacity: 1 << 12)
    private var cursor = 0
    private var rowGroups: [RowGroupMetadata] = []
    private var rowsInGroup = 0
    private var rowsWritten = 0
    private var failure: ParquetError?
    private var closed = false

    /// Creates `path` (O_CREAT|O_EXCL|O_WRONLY|O_CLOEXEC, mode 0644) and writes the magic. Throws ParquetError
    /// with the path and errno text.
    public convenience init(path: String, schema: ParquetSchema, options: ParquetWriterOptions) throws {
        try self.init(output: FileOutput(creating: path), schema: schema, options: options)
    }

    /// A writer on an open descriptor it takes over (tests: /dev/full for a disk that is full).
    convenience init(descriptor: Int32, path: String, schema: ParquetSchema, options: ParquetWriterOptions) throws {
        try self.init(output: FileOutput(descriptor: descriptor, path: path), schema: schema, options: options)
    }

    private init(output: FileOutput, schema: ParquetSchema, options: ParquetWriterOptions) throws(ParquetError) {
        precondition(!schema.columns.isEmpty, "ParquetWriter: a schema needs at least one column")
        precondition(options.rowGroupBytes >= 1 && options.pageBytes >= 1, "ParquetWriter: sizes must be positive")
        self.schema = schema
        self.options = options
        self.output = output
        compressor = PageCompressor(compression: options.compression, level: options.compressionLevel)
        let builder = PageBuilder(compressor: compressor)
        self.builder = builder
        columns = ColumnChunkWriters(count: schema.columns.count) {
            ColumnChunkWriter(column: schema.columns[$0], builder: builder)
        }
        do {
            let magic = ByteBuffer(capacity: 16)
            magic.append(Self.magic)
            try output.write(magic.bytes)
        } catch {
            output.abandon()
            throw error
        }
    }

    private static let magic: [UInt8] = Array("PAR1".utf8)

    // MARK: Values

    /// The index of the row's next column, which must accept the `expected` kind of value; moves the cursor on.
    @inline(__always)
    private func nextColumn(_ expected: String, accepts: (ParquetColumn.Kind) -> Bool) -> Int {
        let index = cursor
        guard index < columns.count else {
            preconditionFailure("ParquetWriter: a \(expected) value after the row's last column; call endRow()")
        }
        guard accepts(columns[index].column.kind) else { wrongKind(index, expected) }
        cursor = index + 1
        return index
    }

    private func wrongKind(_ index: Int, _ expected: String) -> Never {
        let column = columns[index].column
        preconditionFailure("ParquetWriter: column \(index) '\(column.name)' is \(column.kind), given \(expected)")
    }

    /// The current column has no value in this row.
    public func appendNull() {
        guard cursor < columns.count else {
            preconditionFailure("ParquetWriter: a null after the row's last column; call endRow()")
        }
        columns[cursor].appendNull()
        cursor += 1
    }

    /// A value of a string or json column: the bytes (UTF-8 text; not validated).
    public func append(_ bytes: UnsafeRawBufferPointer) {
        columns[nextColumn("bytes") { $0 == .string || $0 == .json }].append(bytes)
    }

    /// A value of a string or json column.
    public func append(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// A value of an int64 column, or of a timestampMicros column (microseconds since the Unix epoch, UTC).
    public func append(_ value: Int64) {
        columns[nextColumn("Int64") { $0 == .int64 || $0 == .timestampMicros }].append(value)
    }

    /// A value of an int32 column.
    public func append(_ value: Int32) {
        columns[nextColumn("Int32") { $0 == .int32 }].append(value)
    }

    /// A value of a double column.
    public func append(_ value: Double) {
        columns[nextColumn("Double") { $0 == .double }].append(value)
    }

    /// A value of a boolean column.
    public func append(_ value: Bool) {
        columns[nextColumn("Bool") { $0 == .boolean }].append(value)
    }

    /// Ends the row. Cuts full pages, and writes the row group once it has reached `rowGroupBytes`.
    /// Throws the `ParquetError` of a failed write (and the same error again after one).
    public func endRow() throws {
        guard cursor == columns.count else {
            preconditionFailure("ParquetWriter: endRow() after \(cursor) of \(columns.count) columns")
        }
        cursor = 0
        rowsInGroup += 1
        rowsWritten += 1
        if let failure { throw failure }
        var buffered = 0
        for index in columns.indices {
            if columns[index].pageIsFull(pageBytes: options.pageBytes) {
                do throws(CompressionFailure) {
                    try columns[index].cutPage()
                } catch {
                    throw record(compressionFailure: error)
                }
            }
            buffered += columns[index].bufferedBytes
        }
        if buffered >= options.rowGroupBytes { try writeRowGroup() }
    }

    /// The rows ended so far.
    public var rowCount: Int { rowsWritten }

    /// Bytes written to the file so far plus what is buffered (encoded), for rolling files by size.
    public var estimatedBytes: Int {
        var total = output.offset
        for index in columns.indices { total += columns[index].bufferedBytes }
        return total
    }

    // MARK: Row groups and the footer

    private func record(compressionFailure: CompressionFailure) -> ParquetError {
        let error = ParquetError(
            code: .compression,
            path: output.path,
            message: "cannot compress a page of Parquet file \(output.path) with \(options.compression.rawValue): "
                + "\(compressionFailure.message) (the file is incomplete: delete it)"
        )
        failure = error
        return error
    }

    private func writeRowGroup() throws(ParquetError) {
        guard rowsInGroup > 0 else { return }
        let start = output.offset
        var chunks: [ColumnChunkMetadata] = []
        chunks.reserveCapacity(columns.count)
        var totalUncompressed: Int64 = 0
        do throws(ParquetError) {
            for index in columns.indices {
                let chunk: ColumnChunkWriter.FinishedChunk
                do throws(CompressionFailure) {
                    chunk = try columns[index].finish(
                        at: output.offset,
                        codec: options.compression.codec,
                        dictionaryPageScratch: dictionaryPageScratch
                    )
                } catch {
                    throw record(compressionFailure: error)
                }
                if let dictionaryPage = chunk.dictionaryPage { try output.write(dictionaryPage.bytes) }
                try output.write(chunk.pages.bytes)
                chunks.append(chunk.metadata)
                totalUncompressed += chunk.metadata.totalUncompressedSize
                columns[index].reset()
            }
        } catch {
            failure = error
            throw error
        }
        rowGroups.append(
            RowGroupMetadata(
                columns: chunks,
                totalByteSize: totalUncompressed,
                numRows: Int64(rowsInGroup),
                fileOffset: Int64(start),
                totalCompressedSize: Int64(output.offset - start),
                ordinal: Int16(truncatingIfNeeded: rowGroups.count)
            )
        )
        rowsInGroup = 0
    }

    /// `createdBy` as the footer stores it: parquet-java trusts string statistics only when created_by parses as
    /// `<app> version <version>`, so a bare name gets " version unknown".
    private var footerCreatedBy: String {
        options.createdBy.contains(" version ") ? options.createdBy : options.createdBy + " version unknown"
    }

    /// Writes the last row group and the footer, fsyncs the file, closes it; returns what a table log needs.
    public func close() throws -> ParquetFileSummary {
        precondition(!closed, "ParquetWriter: close() twice")
        precondition(cursor == 0, "ParquetWriter: close() in the middle of a row (\(cursor) values given)")
        if let failure { throw failure }
        do throws(ParquetError) {
            try writeRowGroup()
            let footer = ByteBuffer(capacity: 1 << 12)
            FileMetadata(
                schema: schema,
                numRows: Int64(rowsWritten),
                rowGroups: rowGroups,
                keyValueMetadata: options.keyValueMetadata,
                createdBy: footerCreatedBy
            ).encode(into: footer)
            let footerLength = footer.count
            footer.appendLittleEndian(UInt32(footerLength))
            footer.append(Self.magic)
            try output.write(footer.bytes)
            try output.syncAndClose()
        } catch {
            failure = error
            output.abandon()
            throw error
        }
        closed = true
        return ParquetFileSummary(
            rows: rowsWritten,
            bytes: output.offset,
            columns: columns.indices.map { index in
                let statistics = columns[index].fileStatistics
                let bounds = statistics.bounds
                return ParquetColumnSummary(
                    name: columns[index].column.name,
                    nullCount: statistics.nullCount,
                    min: bounds?.min,
                    max: bounds?.max
                )
            }
        )
    }

    /// Closes the descriptor without a footer (the caller deletes the file). Safe after a failure; idempotent.
    public func abandon() {
        output.abandon()
        if failure == nil && !closed {
            failure = ParquetError(code: .io, path: output.path, message: "Parquet file \(output.path) was abandoned")
        }
    }
}
