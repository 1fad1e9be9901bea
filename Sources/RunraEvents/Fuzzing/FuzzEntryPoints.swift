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
    /// - both succeed: the outputs must be equal;
    /// - both fail: in the same way (corrupt data or truncated), and one output must be a prefix of the other
    ///   (each stops at a point of its own before the damage);
    /// - one succeeds and the other fails, or a decompressor stops making progress: always a disagreement.
    public static func gzipDisagreement(_ bytes: UnsafeRawBufferPointer, inputChunk: Int, outputChunk: Int) -> String? {
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
        if isal.failure == .stalled || zlib.failure == .stalled || isal.failure != zlib.failure { return description }
        if isal.failure == nil { return isal.output == zlib.output ? nil : "different output: " + description }
        let shorter = min(isal.output.count, zlib.output.count)
        return isal.output[..<shorter] == zlib.output[..<shorter] ? nil : "different output before the failure: " + description
    }
}
