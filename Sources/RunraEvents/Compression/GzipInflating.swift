/// What ``ByteSource`` needs of a gzip decompressor: ``Inflater`` (ISA-L, the one it uses) and ``ZlibInflater``
/// (the reference the tests and the gzip fuzz target compare it with).
protocol GzipInflating: AnyObject {
    /// Decompresses from `input` into `output`; returns (bytes consumed, bytes produced). Continues across
    /// member ends; throws `.corruptCompressedData` for damaged data.
    func inflate(
        input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) throws -> (consumed: Int, produced: Int)
    /// Whether the last member ended cleanly (false while a member is open).
    var isAtMemberBoundary: Bool { get }
    /// At the end of the input inside a member: throws `.corruptCompressedData` when what arrived is already
    /// known to be wrong; otherwise the caller reports a truncation.
    func checkEndOfInput() throws
}

extension Inflater: GzipInflating {}

extension ZlibInflater: GzipInflating {
    /// zlib reports everything it can while it reads.
    func checkEndOfInput() throws {}
}

/// The result of decompressing a whole gzip stream in memory with
/// ``GzipInflating/decompressAll(_:inputChunk:outputChunk:)``.
struct GzipDecompression: Equatable {
    enum Failure: Equatable {
        /// Damaged data (`.corruptCompressedData`).
        case corrupt
        /// The data ends inside a member (what ``ByteSource`` reports as `.truncatedInput`).
        case truncated
        /// The decompressor neither consumed nor produced anything with input left (a decompressor bug).
        case stalled
    }

    /// The bytes produced, up to the failure if there was one.
    var output: [UInt8]
    var failure: Failure?
    /// The decompressor's message for a failure it threw.
    var message: String?
}

extension GzipInflating {
    /// Decompresses all of `input`, fed `inputChunk` bytes at a time into `outputChunk`-byte buffers, with
    /// ``ByteSource``'s rules: the end of the input inside a member is a truncation.
    func decompressAll(_ input: UnsafeRawBufferPointer, inputChunk: Int, outputChunk: Int) -> GzipDecompression {
        var result = GzipDecompression(output: [], failure: nil, message: nil)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(outputChunk, 1), alignment: 16)
        defer { buffer.deallocate() }
        var position = 0
        while true {
            let end = min(position + max(inputChunk, 1), input.count)
            // Empty at the end: the decompressor still hands out what it holds, until it returns (0, 0).
            let slice = UnsafeRawBufferPointer(rebasing: input[position..<end])
            do {
                let (consumed, produced) = try inflate(input: slice, output: buffer)
                result.output.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<produced]))
                if consumed == 0 && produced == 0 {
                    if position < input.count { result.failure = .stalled }
                    break
                }
                position += consumed
            } catch let error as RunraError where error.code == .corruptCompressedData {
                result.failure = .corrupt
                result.message = error.message
                return result
            } catch {
                result.failure = .stalled
                result.message = "\(error)"
                return result
            }
        }
        if result.failure == nil && !isAtMemberBoundary {
            do {
                try checkEndOfInput()
                result.failure = .truncated
            } catch {
                result.failure = .corrupt
                result.message = (error as? RunraError)?.message
            }
        }
        return result
    }
}
