internal import CZlib

/// A gzip decompressor over zlib that reads concatenated members (multi-member gzip) as one stream.
///
/// No longer the reader's decompressor (that is ``Inflater``, over ISA-L): kept as the reference that the
/// gzip fuzz target and the tests compare ``Inflater`` against, byte for byte and error for error.
///
/// The `z_stream` lives on the heap because zlib keeps pointers into it: it must never move.
final class ZlibInflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var memberEnded = false
    /// Whether the last member ended cleanly (false while a member is open).
    private(set) var isAtMemberBoundary = true

    init() throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: gzip format only, largest window.
        let status = CZlib_inflateInit2(stream, 15 + 16)
        guard status == Z_OK else {
            // The object is whole: `deinit` frees the stream (freeing it here too would free it twice).
            throw RunraError(.io, "cannot initialize zlib (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Decompresses from `input` into `output`; returns (bytes consumed, bytes produced).
    ///
    /// At the end of a member it resets, so the next member continues the stream.
    func inflate(
        input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) throws -> (consumed: Int, produced: Int) {
        var consumed = 0
        var produced = 0
        while produced < output.count {
            if isAtMemberBoundary {
                // Between members: another one begins only with more input.
                guard consumed < input.count else { break }
                isAtMemberBoundary = false
            }
            // With no input left, zlib still hands out what it holds (the rest of a match longer than `output`).
            stream.pointee.next_in = input.baseAddress.map {
                UnsafeMutablePointer(mutating: $0.advanced(by: consumed).assumingMemoryBound(to: Bytef.self))
            }
            stream.pointee.avail_in = UInt32(input.count - consumed)
            stream.pointee.next_out = output.baseAddress!.advanced(by: produced).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(output.count - produced)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            let usedIn = input.count - consumed - Int(stream.pointee.avail_in)
            let usedOut = output.count - produced - Int(stream.pointee.avail_out)
            consumed += usedIn
            produced += usedOut
            switch status {
            case Z_OK, Z_BUF_ERROR:
                if usedIn == 0 && usedOut == 0 { return (consumed, produced) }
            case Z_STREAM_END:
                inflateReset(stream)
                isAtMemberBoundary = true
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
                throw RunraError(.corruptCompressedData, "corrupt gzip data (\(detail))")
            }
        }
        return (consumed, produced)
    }
}
