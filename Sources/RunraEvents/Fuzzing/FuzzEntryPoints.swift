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
}
