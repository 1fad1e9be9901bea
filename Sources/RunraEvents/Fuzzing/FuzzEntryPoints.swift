/// Hooks for the libFuzzer targets in Fuzz/ (see docs/fuzzing.md). **Not API**: the underscore says so; the
/// names and signatures may change at any time, and nothing outside the fuzz targets should call them.
///
/// They exist because release builds (which the fuzzers need) cannot `@testable import` internals.
public enum _FuzzEntryPoints {
    /// The JSON scanner's verdict on `bytes` as one JSON text: `true` when it is valid RFC 8259 JSON
    /// of any kind, within ``maximumDepth``.
    public static func jsonVerdict(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        JSONScanner.validate(bytes) == nil
    }

    /// Whether the scanner rejected `bytes` only because it nests deeper than ``maximumDepth``.
    public static func jsonTooDeep(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if case .nestingTooDeep? = JSONScanner.validate(bytes) { return true }
        return false
    }

    /// The deepest nesting the scanner accepts (the outermost container is level 1).
    public static var maximumDepth: Int { JSONScanner.maximumDepth }

    /// Decompresses `bytes` as a whole gzip stream with the reader's ISA-L ``Inflater`` and with the zlib
    /// reference (``ZlibInflater``), `inputChunk` bytes in and `outputChunk` bytes out at a time. Returns `nil`
    /// when they agree, or what differs:
    /// - one succeeds and the other fails, or a decompressor stops making progress: always a disagreement;
    /// - both succeed: the outputs must be equal;
    /// - both fail: one output must be a prefix of the other (each stops at a point of its own), and unless the
    ///   data is `damaged` (not known to be valid gzip or a prefix of it) in the same way: corrupt or truncated.
    ///   Damaged data may fail either way, because the two notice damage at different points and one of them may
    ///   meet the end of the input first: zlib rejects a Huffman code that leaves code space unused ("invalid code
    ///   lengths set", …), which ISA-L decodes on with; ISA-L rejects a code-length code with no codes at once,
    ///   where zlib reads on to the end of the block.
    public static func gzipDisagreement(
        _ bytes: UnsafeRawBufferPointer,
        inputChunk: Int,
        outputChunk: Int,
        damaged: Bool
    ) -> String? {
        let isal: GzipDecompression
        let zlib: GzipDecompression
        do {
            isal = try Inflater().decompressAll(bytes, inputChunk: inputChunk, outputChunk: outputChunk)
            zlib = try ZlibInflater().decompressAll(bytes, inputChunk: inputChunk, outputChunk: outputChunk)
        } catch {
            return "cannot create a decompressor: \(error)"
        }
        let outcome = { (result: GzipDecompression) -> String in
            "\(result.failure.map { "\($0)" } ?? "success") (\(result.output.count) bytes\(result.message.map { ", \($0)" } ?? ""))"
        }
        let description = "ISA-L: \(outcome(isal)); zlib: \(outcome(zlib))"
        if isal.failure == .stalled || zlib.failure == .stalled || (isal.failure == nil) != (zlib.failure == nil) {
            return description
        }
        if isal.failure == nil { return isal.output == zlib.output ? nil : "different output: " + description }
        if isal.failure != zlib.failure && !damaged { return "valid data, different failures: " + description }
        let shorter = min(isal.output.count, zlib.output.count)
        return isal.output[..<shorter] == zlib.output[..<shorter]
            ? nil : "different output before the failure: " + description
    }
}
