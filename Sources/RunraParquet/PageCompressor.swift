internal import CSnappy
internal import CZstd

/// Compresses whole page bodies with one codec (Compression.md: each page is fed as-is to the library, without
/// extra framing): a zstd frame (RFC 8878) through a reused `ZSTD_CCtx`, or snappy's raw block format.
final class PageCompressor {
    let compression: ParquetCompression
    private let level: Int32
    /// Owned; freed in deinit. Reused across pages so zstd keeps its tables.
    private var zstdContext: OpaquePointer?

    init(compression: ParquetCompression, level: Int?) {
        self.compression = compression
        self.level = Int32(clamping: level ?? 3)
        if compression == .zstd { zstdContext = ZSTD_createCCtx() }
    }

    deinit {
        if let zstdContext { ZSTD_freeCCtx(zstdContext) }
    }

    /// Appends `input` compressed to `output`. For `.none`, a copy.
    /// Throws a message when the library refuses (it does not for valid input and enough memory).
    func compress(_ input: UnsafeRawBufferPointer, to output: ByteBuffer) throws(CompressionFailure) {
        switch compression {
        case .none:
            output.append(input)
        case .zstd:
            guard let zstdContext else { throw CompressionFailure(message: "zstd: ZSTD_createCCtx failed") }
            let bound = ZSTD_compressBound(input.count)
            var failure: CompressionFailure?
            output.append(reserving: bound) { destination in
                // ZSTD_compressCCtx: one complete frame, content size recorded in its header.
                let result = ZSTD_compressCCtx(zstdContext, destination, bound, input.baseAddress, input.count, level)
                if CZstd_isError(result) != 0 {
                    failure = CompressionFailure(message: "zstd: " + String(cString: ZSTD_getErrorName(result)))
                    return 0
                }
                return result
            }
            if let failure { throw failure }
        case .snappy:
            let bound = snappy_max_compressed_length(input.count)
            var status = SNAPPY_OK
            output.append(reserving: bound) { destination in
                var length = bound
                // snappy_compress: the raw block format (not the framing format, which readers reject).
                status = snappy_compress(
                    input.baseAddress?.assumingMemoryBound(to: CChar.self),
                    input.count,
                    destination.assumingMemoryBound(to: CChar.self),
                    &length
                )
                return status == SNAPPY_OK ? length : 0
            }
            if status != SNAPPY_OK { throw CompressionFailure(message: "snappy: snappy_compress returned \(status)") }
        }
    }
}

/// A compression library refused a page.
struct CompressionFailure: Error {
    var message: String
}
