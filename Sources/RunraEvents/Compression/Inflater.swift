internal import CISAL

/// A gzip decompressor over ISA-L (`isal_inflate`) that reads concatenated members (multi-member gzip) as
/// one stream: the reader's decompressor.
///
/// ISA-L decodes deflate four to five times as fast as zlib on x86-64. Each member's header is read by
/// ``GzipHeaderReader`` (zlib's checks, as the bytes arrive); its deflate data and trailer by ISA-L, which verifies
/// the trailer's CRC-32 and length. So it behaves as ``ZlibInflater`` does: the same bytes out; damaged data, a
/// wrong checksum, or bytes after a member that do not begin another one are `.corruptCompressedData`; and input
/// that ends inside a member leaves ``isAtMemberBoundary`` false: the caller calls ``checkEndOfInput()``, then
/// reports the truncation. (Where the two notice damage inside deflate data can differ; see docs/fuzzing.md.)
///
/// The state (about 90 KB, with ISA-L's 64 KB history buffer) lives on the heap and is opaque to Swift.
final class Inflater {
    private let state: UnsafeMutableRawPointer
    private var header = GzipHeaderReader()
    /// Whether the current member's header has been read and its deflate data is being decoded.
    private var inBody = false
    /// Whether the last member ended cleanly (false while a member is open).
    private(set) var isAtMemberBoundary = true
    /// Bytes after a member that do not begin another one, noticed in a call that also decoded bytes: those are
    /// handed out first (the members before were whole and checked), and the next call throws this.
    private var deferredError: (any Error)?

    init() throws {
        guard let state = CISAL_inflateCreate() else {
            throw RunraError(.io, "cannot allocate the gzip decompressor (out of memory)")
        }
        self.state = state
    }

    deinit {
        CISAL_inflateDestroy(state)
    }

    /// Decompresses from `input` into `output`; returns (bytes consumed, bytes produced).
    ///
    /// At the end of a member it starts over, so the next member continues the stream. ISA-L may take all of
    /// the input while holding decoded bytes that did not fit into `output`: call again, with empty `input` at
    /// the end of the data, until it returns (0, 0).
    func inflate(
        input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) throws -> (consumed: Int, produced: Int) {
        if let deferredError {
            self.deferredError = nil
            throw deferredError
        }
        var consumed = 0
        var produced = 0
        while produced < output.count {
            if !inBody {
                guard consumed < input.count else { break }
                isAtMemberBoundary = false
                do {
                    consumed += try header.read(UnsafeRawBufferPointer(rebasing: input[consumed...]))
                } catch  where produced > 0 {
                    deferredError = error
                    break
                }
                if header.isComplete {
                    CISAL_inflateStartMember(state)
                    inBody = true
                }
                continue
            }
            var usedIn: UInt32 = 0
            var usedOut: UInt32 = 0
            var memberEnded: Int32 = 0
            let status = CISAL_inflate(
                state,
                input.baseAddress.map { $0.advanced(by: consumed).assumingMemoryBound(to: UInt8.self) },
                UInt32(clamping: input.count - consumed),
                output.baseAddress!.advanced(by: produced).assumingMemoryBound(to: UInt8.self),
                UInt32(clamping: output.count - produced),
                &usedIn,
                &usedOut,
                &memberEnded
            )
            consumed += Int(usedIn)
            produced += Int(usedOut)
            guard status >= 0 else { throw Self.corrupt(status) }
            if memberEnded != 0 {
                header = GzipHeaderReader()
                inBody = false
                isAtMemberBoundary = true
            } else if usedIn == 0 && usedOut == 0 {
                break
            }
        }
        return (consumed, produced)
    }

    /// Called at the end of the input while a member is open: throws `.corruptCompressedData` when the part of
    /// the trailer that arrived already has a wrong CRC-32 (zlib checks it before the length), so that only a
    /// stream cut short with nothing wrong in it is a truncation.
    func checkEndOfInput() throws {
        if inBody && CISAL_inflateTrailerCRCIsWrong(state) != 0 {
            throw RunraError(.corruptCompressedData, "corrupt gzip data (incorrect data check)")
        }
    }

    private static func corrupt(_ status: Int32) -> RunraError {
        let detail =
            switch status {
            case ISAL_INVALID_BLOCK: "invalid deflate block"
            case ISAL_INVALID_SYMBOL: "invalid deflate code"
            case ISAL_INVALID_LOOKBACK: "invalid distance too far back"
            case ISAL_INCORRECT_CHECKSUM: "the CRC-32 or length in the trailer does not match the data"
            default: "ISA-L status \(status)"
            }
        return RunraError(.corruptCompressedData, "corrupt gzip data (\(detail))")
    }
}
