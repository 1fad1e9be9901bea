// A column chunk (README.md "Column chunks"): an optional dictionary page first, then data pages, contiguous in
// the file. This writer buffers one row group's chunk, cutting and compressing pages as values arrive.

/// Buffers one column's values for the current row group: the open page's levels and values, the finished
/// (compressed) pages, the dictionary, and the statistics.
///
/// A struct that lives in `ColumnChunkWriters` and is mutated in place there: the per-value calls retain nothing
/// and pay no run-time exclusivity checks (that file says why, and why it is safe). Noncopyable: a copy would
/// share the buffers.
struct ColumnChunkWriter: ~Copyable {
    /// A page is cut at this many values even when its encoded size stays under `pageBytes` (parquet-java's
    /// default row-count limit; keeps pages of tiny values reasonably sized for readers' page skipping).
    static let maxPageValues = 20_000

    let column: ParquetColumn
    private let physicalType: PhysicalType
    private let builder: PageBuilder

    // The open page.
    private let levels = ByteBuffer(capacity: maxPageValues)
    private let values = ByteBuffer(capacity: 1 << 16)
    private var booleans = PlainBooleanPacker()
    private var indices: [UInt32] = []
    private var pageValues = 0
    private var pagePresent = 0

    // The chunk.
    /// The dictionary, nil for a column without one.
    private var dictionary: DictionaryEncoder?
    /// True while values go to the dictionary; false after a fallback to PLAIN (until the next chunk).
    private var dictionaryActive: Bool
    /// The finished data pages (headers and compressed bodies); the dictionary page is written before them.
    private let pages = ByteBuffer(capacity: 1 << 16)
    private var pagesUncompressedBytes = 0
    private var usesPlain = false
    private var usesDictionary = false
    private var chunkValues = 0
    private(set) var statistics: ColumnStatistics
    /// Over every chunk written so far: the file summary.
    private(set) var fileStatistics: ColumnStatistics
    /// A compression failure inside an append, thrown by the next `endRow`.
    private(set) var deferredFailure: CompressionFailure?

    init(column: ParquetColumn, builder: PageBuilder) {
        self.column = column
        self.builder = builder
        physicalType = column.kind.physicalType
        if column.dictionary && column.kind != .boolean {
            dictionary = DictionaryEncoder(lengthPrefixed: physicalType == .byteArray)
            indices.reserveCapacity(Self.maxPageValues)
        } else {
            dictionary = nil
        }
        dictionaryActive = dictionary != nil
        statistics = ColumnStatistics(kind: column.kind)
        fileStatistics = statistics
    }

    // MARK: Values

    @inline(__always)
    mutating func appendNull() {
        levels.append(0)
        pageValues += 1
        statistics.nullCount += 1
    }

    @inline(__always)
    mutating func append(_ value: UnsafeRawBufferPointer) {
        if dictionaryActive, let index = dictionaryIndex(value) {
            if case .added = index.lookup { statistics.add(value) }
        } else {
            values.appendPlainByteArray(value)
            statistics.add(value)
        }
        present()
    }

    @inline(__always)
    mutating func append(_ value: Int64) {
        if dictionaryActive, let index = withUnsafeBytes(of: value.littleEndian, { dictionaryIndex($0) }) {
            if case .added = index.lookup { statistics.add(value) }
        } else {
            values.appendPlain(value)
            statistics.add(value)
        }
        present()
    }

    @inline(__always)
    mutating func append(_ value: Int32) {
        if dictionaryActive, let index = withUnsafeBytes(of: value.littleEndian, { dictionaryIndex($0) }) {
            if case .added = index.lookup { statistics.add(Int64(value)) }
        } else {
            values.appendPlain(value)
            statistics.add(Int64(value))
        }
        present()
    }

    @inline(__always)
    mutating func append(_ value: Double) {
        // Dictionary keys are bit patterns: -0.0 and +0.0 (and NaN payloads) stay distinct entries, as they must.
        if dictionaryActive, let index = withUnsafeBytes(of: value.bitPattern.littleEndian, { dictionaryIndex($0) }) {
            if case .added = index.lookup { statistics.add(value) }
        } else {
            values.appendPlain(value)
            statistics.add(value)
        }
        present()
    }

    @inline(__always)
    mutating func append(_ value: Bool) {
        booleans.append(value, to: values)
        statistics.add(value)
        present()
    }

    @inline(__always)
    private mutating func present() {
        levels.append(1)
        pageValues += 1
        pagePresent += 1
    }

    private struct DictionaryIndex {
        var lookup: DictionaryEncoder.Lookup
    }

    /// Looks `value` up in the dictionary and records its index; nil after a fallback to PLAIN, which this call
    /// makes when the dictionary is full (cutting the open page, whose indices refer to the dictionary).
    @inline(__always)
    private mutating func dictionaryIndex(_ value: UnsafeRawBufferPointer) -> DictionaryIndex? {
        let lookup = dictionary!.index(of: value)
        switch lookup {
        case .existing(let index), .added(let index):
            indices.append(index)
            return DictionaryIndex(lookup: lookup)
        case .full:
            do throws(CompressionFailure) {
                try cutPage()
            } catch {
                deferredFailure = deferredFailure ?? error
            }
            dictionaryActive = false
            return nil
        }
    }

    // MARK: Pages

    /// The open page's encoded size, about: levels at one bit, values as encoded.
    var openPageBytes: Int {
        let levelBytes = pageValues / 8 + 1
        if dictionaryActive {
            let width = RLEHybridEncoder.bitWidth(forValuesBelow: dictionary!.count)
            return levelBytes + 1 + (indices.count * width + 7) / 8
        }
        return levelBytes + values.count + booleans.pendingByteCount
    }

    /// What this chunk holds in memory so far: finished pages, the open page, the dictionary.
    var bufferedBytes: Int {
        pages.count + openPageBytes + (dictionary?.plain.count ?? 0)
    }

    /// True when the open page has reached `pageBytes` or the value limit.
    @inline(__always)
    func pageIsFull(pageBytes: Int) -> Bool {
        pageValues >= Self.maxPageValues || openPageBytes >= pageBytes
    }

    /// Encodes, compresses and appends the open page, if it has any values.
    mutating func cutPage() throws(CompressionFailure) {
        guard pageValues > 0 else { return }
        let allPresent = pagePresent == pageValues
        levels.bytes.withMemoryRebound(to: UInt8.self) { builder.beginDataPage(levels: $0, allPresent: allPresent) }
        let encoding: Encoding
        if dictionaryActive && pagePresent > 0 {
            // RLE_DICTIONARY: one byte of bit width, then hybrid runs without a length prefix.
            let width = RLEHybridEncoder.bitWidth(forValuesBelow: dictionary!.count)
            builder.body.append(UInt8(width))
            indices.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: width, to: builder.body) }
            encoding = .rleDictionary
            usesDictionary = true
        } else {
            // A page of nulls only has no values in any encoding; it is labelled PLAIN.
            booleans.finish(to: values)
            builder.body.append(values)
            encoding = .plain
            usesPlain = true
        }
        let written = try builder.appendDataPage(numValues: pageValues, encoding: encoding, to: pages)
        pagesUncompressedBytes += written.uncompressedBytes
        chunkValues += pageValues
        levels.reset(keepingCapacity: Self.maxPageValues * 2)
        values.reset(keepingCapacity: 4 << 20)
        indices.removeAll(keepingCapacity: true)
        pageValues = 0
        pagePresent = 0
    }

    // MARK: Chunks

    /// A finished chunk: its bytes in file order, and its ColumnMetaData.
    struct FinishedChunk {
        var dictionaryPage: ByteBuffer?
        var pages: ByteBuffer
        var metadata: ColumnChunkMetadata
        var byteCount: Int { (dictionaryPage?.count ?? 0) + pages.count }
    }

    /// Cuts the open page and returns the chunk as it will sit at `fileOffset`. Call `reset()` once written.
    mutating func finish(
        at fileOffset: Int,
        codec: Int32,
        dictionaryPageScratch: ByteBuffer
    ) throws(CompressionFailure)
        -> FinishedChunk
    {
        if let deferredFailure { throw deferredFailure }
        try cutPage()
        var uncompressed = pagesUncompressedBytes
        var dictionaryPage: ByteBuffer?
        var dictionaryPageOffset: Int64?
        if let dictionary, dictionary.count > 0 {
            dictionaryPageScratch.reset(keepingCapacity: 4 << 20)
            let written = try builder.appendDictionaryPage(
                dictionary.plain,
                numValues: dictionary.count,
                to: dictionaryPageScratch
            )
            uncompressed += written.uncompressedBytes
            dictionaryPage = dictionaryPageScratch
            dictionaryPageOffset = Int64(fileOffset)
            usesPlain = true  // the dictionary page's values are PLAIN
        }
        let dictionaryBytes = dictionaryPage?.count ?? 0
        var encodings: [Encoding] = []
        if usesPlain { encodings.append(.plain) }
        encodings.append(.rle)  // definition levels
        if usesDictionary { encodings.append(.rleDictionary) }
        let metadata = ColumnChunkMetadata(
            type: physicalType,
            encodings: encodings,
            path: [column.name],
            codec: codec,
            numValues: Int64(chunkValues),
            totalUncompressedSize: Int64(uncompressed),
            totalCompressedSize: Int64(dictionaryBytes + pages.count),
            dataPageOffset: Int64(fileOffset + dictionaryBytes),
            dictionaryPageOffset: dictionaryPageOffset,
            statistics: statistics.metadata
        )
        return FinishedChunk(dictionaryPage: dictionaryPage, pages: pages, metadata: metadata)
    }

    /// Starts the next chunk, folding this one's statistics into the file's.
    mutating func reset() {
        fileStatistics.merge(statistics)
        statistics = ColumnStatistics(kind: column.kind)
        pages.reset(keepingCapacity: 8 << 20)
        pagesUncompressedBytes = 0
        usesPlain = false
        usesDictionary = false
        chunkValues = 0
        dictionary?.reset()
        dictionaryActive = dictionary != nil
    }
}
