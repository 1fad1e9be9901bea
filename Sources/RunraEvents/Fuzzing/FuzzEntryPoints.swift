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

    /// Scans `bytes` with and without recording the members of `data` named by `keys` (``DataMemberKeys``). Returns
    /// `nil` when the two agree: the same verdict, and for an event the same span for `data.<key>` and `data.<key>.x`,
    /// whether recorded or found by walking `data`; else what differs.
    public static func dataMemberDisagreement(_ bytes: UnsafeBufferPointer<UInt8>, keys: [String]) -> String? {
        guard let dataKeys = DataMemberKeys(keys) else { return nil }
        let record = UnsafeMutablePointer<DataMemberRecord>.allocate(capacity: 1)
        record.initialize(to: DataMemberRecord())
        defer { record.deallocate() }
        let members = dataKeys.recording(into: record)
        var plainFields = EventFields()
        var fields = EventFields()
        let plainFailure = JSONScanner.scan(bytes, into: &plainFields)
        let failure = JSONScanner.scan(bytes, into: &fields, recording: members)
        guard plainFailure == failure else {
            return
                "verdicts differ: \(plainFailure?.reason ?? "valid") without recording,"
                + " \(failure?.reason ?? "valid") with"
        }
        guard failure == nil else { return nil }
        let walked = EventLine(bytes: bytes, fields: plainFields)
        let recorded = EventLine(bytes: bytes, fields: fields, dataMembers: members)
        for key in keys {
            for path in [JSONPath(keys: "data", key), JSONPath(keys: "data", key, "x")] {
                let (want, got) = (walked.span(at: path), recorded.span(at: path))
                if want != got {
                    return "\(path): walked \(String(describing: want)), recorded \(String(describing: got))"
                }
            }
        }
        return nil
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
            "\(result.failure.map { "\($0)" } ?? "success") (\(result.output.count) "
                + "bytes\(result.message.map { ", \($0)" } ?? ""))"
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
