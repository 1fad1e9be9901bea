// Pages (README.md "Data Pages", parquet.thrift `PageHeader`): a compact-Thrift PageHeader, then the body. A v1
// data page's body is [definition levels: u32 length + RLE/bit-packed hybrid][values], and the whole body, levels
// included, is compressed as one unit. uncompressed_page_size and compressed_page_size exclude the header.

/// Turns page bodies into header + compressed body, appended to a column chunk's buffer. Holds the scratch
/// buffers and the compressor all columns share (a writer is single-threaded).
final class PageBuilder {
    let compressor: PageCompressor
    /// The page body being assembled by a column; `appendDataPage` consumes it.
    let body = ByteBuffer(capacity: 1 << 16)
    private let compressed = ByteBuffer(capacity: 1 << 16)
    private let header = ByteBuffer(capacity: 64)

    init(compressor: PageCompressor) {
        self.compressor = compressor
    }

    /// Sizes of a page as written: what ColumnMetaData's totals add up (headers included in both).
    struct WrittenPage {
        var uncompressedBytes: Int
        var compressedBytes: Int
    }

    /// Starts a data page body with `levels` (one byte per value, 0 null, 1 present) as the definition levels:
    /// a 4-byte little-endian length, then bit-width-1 hybrid runs.
    func beginDataPage(levels: UnsafeBufferPointer<UInt8>, allPresent: Bool) {
        body.reset(keepingCapacity: 4 << 20)
        body.appendLittleEndian(UInt32(0))
        if allPresent {
            // One RLE run of 1s: the common case, without scanning.
            body.appendVarint(UInt64(levels.count) << 1)
            body.append(1)
        } else {
            RLEHybridEncoder.encode(levels, bitWidth: 1, to: body)
        }
        body.setUInt32LittleEndian(UInt32(body.count - 4), at: 0)
    }

    /// Compresses `body` and appends a DATA_PAGE (v1) of `numValues` values in `encoding` to `chunk`.
    func appendDataPage(
        numValues: Int,
        encoding: Encoding,
        to chunk: ByteBuffer
    ) throws(CompressionFailure) -> WrittenPage {
        try compress()
        header.reset()
        PageHeader.encodeDataPage(
            uncompressedSize: body.count,
            compressedSize: compressed.count,
            numValues: numValues,
            encoding: encoding,
            into: header
        )
        return append(to: chunk)
    }

    /// Compresses `values` (a dictionary's PLAIN entries) and appends a DICTIONARY_PAGE of `numValues` to `chunk`.
    func appendDictionaryPage(
        _ values: ByteBuffer,
        numValues: Int,
        to chunk: ByteBuffer
    ) throws(CompressionFailure)
        -> WrittenPage
    {
        body.reset(keepingCapacity: 4 << 20)
        body.append(values)
        try compress()
        header.reset()
        PageHeader.encodeDictionaryPage(
            uncompressedSize: body.count,
            compressedSize: compressed.count,
            numValues: numValues,
            into: header
        )
        return append(to: chunk)
    }

    private func compress() throws(CompressionFailure) {
        precondition(body.count <= Int(Int32.max), "Parquet: a page of \(body.count) bytes exceeds 2 GiB")
        compressed.reset(keepingCapacity: 4 << 20)
        try compressor.compress(body.bytes, to: compressed)
    }

    private func append(to chunk: ByteBuffer) -> WrittenPage {
        chunk.append(header)
        chunk.append(compressed)
        return WrittenPage(
            uncompressedBytes: header.count + body.count,
            compressedBytes: header.count + compressed.count
        )
    }
}
