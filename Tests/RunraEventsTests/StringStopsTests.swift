import CRunraSIMD
import Testing

@testable import RunraEvents

/// Every version of CRunraSIMD's scan (scalar, SSE2, AVX2) against a one-line reference, and the scanner on top of
/// each. Serialized, as the versions are switched process-wide; every version gives the same answers, so other
/// suites running meanwhile are unaffected.
@Suite(.serialized) struct StringStopsTests {
    static let levels: [runra_simd_level] = [RUNRA_SIMD_SCALAR, RUNRA_SIMD_SSE2, RUNRA_SIMD_AVX2]

    /// Bytes a string scan stops at, and their neighbours that it must not stop at.
    static let stops: [UInt8] = [0x22, 0x5C, 0x00, 0x09, 0x1F, 0x80, 0xBF, 0xC3, 0xFF]
    static let plain: [UInt8] = [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7E, 0x7F]

    static func isStop(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80
    }

    /// The bitmap `runra_string_stops` should produce, from the reference above.
    static func expectedBitmap(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: (bytes.count + 63) / 64)
        for (index, byte) in bytes.enumerated() where isStop(byte) { words[index / 64] |= 1 << UInt64(index % 64) }
        if bytes.count % 64 != 0 { words[words.count - 1] |= ~0 << UInt64(bytes.count % 64) }
        return words
    }

    static func bitmap(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt64] {
        // One word more than needed, to see that nothing is written past the end.
        var words = [UInt64](repeating: 0xDEAD_BEEF, count: (bytes.count + 63) / 64 + 1)
        words.withUnsafeMutableBufferPointer { runra_string_stops(bytes.baseAddress, bytes.count, $0.baseAddress) }
        #expect(words.removeLast() == 0xDEAD_BEEF, "wrote past the bitmap for \(bytes.count) bytes")
        return words
    }

    /// Runs `body` with each version this CPU has, then goes back to the widest.
    static func forEachLevel(_ body: (runra_simd_level) throws -> Void) rethrows {
        defer { runra_simd_force(RUNRA_SIMD_AVX2) }
        for level in levels where level.rawValue <= runra_simd_supported().rawValue {
            #expect(runra_simd_force(level) == level)
            #expect(runra_simd_active() == level)
            try body(level)
        }
    }

    @Test func theWidestSupportedLevelIsChosen() {
        runra_simd_force(RUNRA_SIMD_AVX2)
        #expect(runra_simd_active() == runra_simd_supported())
        #if arch(x86_64)
        #expect(runra_simd_supported().rawValue >= RUNRA_SIMD_SSE2.rawValue)
        #endif
    }

    @Test func oneByteAtEveryPositionAlignmentAndLength() {
        let lengths = Array(0...72) + Array(94...98) + Array(124...132) + Array(188...196) + [255, 256, 257]
        let alignments = [0, 1, 7, 16, 31]
        var storage = [UInt8](repeating: UInt8(ascii: "a"), count: 300)
        Self.forEachLevel { level in
            var failures = 0
            for alignment in alignments {
                for length in lengths {
                    var padding = [UInt64](repeating: 0, count: (length + 63) / 64)
                    if length % 64 != 0 { padding[padding.count - 1] = ~0 << UInt64(length % 64) }
                    for position in 0..<length {
                        for byte in Self.stops + Self.plain where failures < 10 {
                            var expected = padding
                            if Self.isStop(byte) { expected[position / 64] |= 1 << UInt64(position % 64) }
                            storage[alignment + position] = byte
                            let bitmap = storage.withUnsafeBufferPointer {
                                Self.bitmap(UnsafeBufferPointer(rebasing: $0[alignment..<(alignment + length)]))
                            }
                            storage[alignment + position] = UInt8(ascii: "a")
                            if bitmap != expected {
                                failures += 1
                                Issue.record(
                                    """
                                    level \(level.rawValue), alignment \(alignment), length \(length), \
                                    byte \(byte) at \(position)
                                    """
                                )
                            }
                        }
                    }
                    let empty = storage.withUnsafeBufferPointer {
                        Self.bitmap(UnsafeBufferPointer(rebasing: $0[alignment..<(alignment + length)]))
                    }
                    #expect(empty == padding, "level \(level.rawValue), alignment \(alignment), length \(length)")
                }
            }
        }
    }

    @Test func randomBytesAgreeWithTheReference() {
        var generator = SeededGenerator(seed: 12)
        var buffers: [[UInt8]] = []
        for _ in 0..<400 {
            let length = Int(generator.next() % 300)
            // Mostly plain text with every kind of byte mixed in, as in real lines.
            buffers.append(
                (0..<length).map { _ in
                    let roll = generator.next()
                    return roll % 5 == 0
                        ? UInt8(truncatingIfNeeded: roll >> 8) : 0x20 + UInt8(truncatingIfNeeded: roll >> 8) % 0x5F
                }
            )
        }
        Self.forEachLevel { level in
            for buffer in buffers {
                buffer.withUnsafeBufferPointer { bytes in
                    #expect(
                        Self.bitmap(bytes) == Self.expectedBitmap(bytes),
                        "level \(level.rawValue), \(bytes.count) bytes"
                    )
                }
            }
        }
    }

    /// The scanner's verdicts and offsets are the same with every version, including across the ends of the
    /// 64-byte words and of the windows that ``StringStops`` marks.
    @Test func scannerVerdictsAreTheSameAtEveryLevel() {
        var lines: [(String, JSONScanner.Failure?)] = []
        for length in [0, 1, 15, 16, 31, 32, 62, 63, 64, 65, 127, 1018, 1019, 1020, 1021, 1022, 1023, 1024, 2050] {
            let body = String(repeating: "x", count: length)
            // `{"type":"` is 9 bytes: the control character sits at byte 9 + length.
            lines.append(
                ("{\"type\":\"\(body)\u{01}\"}", .invalidJSON("control character in string", offset: 9 + length))
            )
            lines.append(("{\"type\":\"\(body)\\q\"}", .invalidJSON("invalid escape", offset: 9 + length)))
            lines.append(("{\"type\":\"\(body)\"}", nil))
            lines.append(("{\"type\":\"\(body)é\\n日本🚀\(body)\\u00e9\"}", nil))
            lines.append(("{\"type\":\"\(body)", .invalidJSON("unterminated string", offset: 8)))
            lines.append(("{\"type\":\"t\",\"data\":[\"\(body)\",\"\(body)\",1,\"\(body)\"]}", nil))
        }
        var invalid = Array("{\"type\":\"".utf8) + Array(repeating: UInt8(ascii: "y"), count: 1030)
        invalid.insert(0xC0, at: 9 + 1023)
        Self.forEachLevel { level in
            for (line, expected) in lines {
                var fields = EventFields()
                let failure = Array(line.utf8).withUnsafeBufferPointer { JSONScanner.scan($0, into: &fields) }
                #expect(failure == expected, "level \(level.rawValue): \(line.prefix(40))… (\(line.utf8.count) bytes)")
            }
            var fields = EventFields()
            #expect(
                invalid.withUnsafeBufferPointer { JSONScanner.scan($0, into: &fields) }
                    == .invalidUTF8(offset: 9 + 1023)
            )
        }
    }
}
