import Testing

@testable import RunraEvents

/// `JSONDecoding.endOfValue` and `endOfString` (CRunraSIMD's 16-byte search) against a byte-at-a-time reference,
/// with every value the scanner accepts, at every offset across the 16-byte steps, and followed by more text.
@Suite struct ValueEndsTests {
    /// The end of the value at `start`, one byte at a time (the code the 16-byte search replaced).
    static func referenceEnd(_ bytes: [UInt8], _ start: Int) -> Int {
        func stringEnd(_ start: Int) -> Int {
            var position = start + 1
            while bytes[position] != UInt8(ascii: "\"") { position += bytes[position] == UInt8(ascii: "\\") ? 2 : 1 }
            return position + 1
        }
        switch bytes[start] {
        case UInt8(ascii: "\""): return stringEnd(start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var position = start
            while true {
                switch bytes[position] {
                case UInt8(ascii: "\""):
                    position = stringEnd(position)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return position + 1 }
                default: break
                }
                position += 1
            }
        default: return JSONDecoding.endOfValue(bytes.withUnsafeBufferPointer { $0 }, start)
        }
    }

    /// Strings and containers whose quotes, escapes and brackets fall on every side of a 16-byte step.
    static var values: [String] {
        var values = JSONScannerTests.accepted.filter {
            $0.first?.isWhitespace == false && $0.last?.isWhitespace == false
        }
        for length in [0, 1, 13, 14, 15, 16, 17, 31, 32, 33, 47] {
            let text = String(repeating: "x", count: length)
            values.append("\"\(text)\"")
            values.append("\"\(text)\\\"\(text)\"")  // an escaped quote
            values.append("\"\(text)\\\\\"")  // an escaped backslash just before the closing quote
            values.append("\"\(text)\\\\\\\"]}\"")  // a backslash, then an escaped quote and brackets in the string
            values.append("{\"k\":\"\(text)]\",\"a\":[\"}\(text)\",{\"b\":\"[\"}],\"c\":\"\(text)\\\\\"}")
            values.append("[[[\"\(text)\"],{}],[{\"\(text)\":[]}]]")
        }
        return values
    }

    @Test func endsAgreeWithTheReferenceAtEveryOffset() {
        var checked = 0
        for value in Self.values where !value.isEmpty {
            for padding in 0..<17 {
                for tail in ["", ",\"z\":\"]}\\\"\"}", "]", String(repeating: " ", count: 20) + "}"] {
                    let bytes = Array((String(repeating: " ", count: padding) + value + tail).utf8)
                    let expected = Self.referenceEnd(bytes, padding)
                    let actual = bytes.withUnsafeBufferPointer { JSONDecoding.endOfValue($0, padding) }
                    #expect(actual == expected, "\(value) after \(padding) spaces, then \(tail)")
                    #expect(expected == padding + value.utf8.count, "the reference itself: \(value)")
                    checked += 1
                }
            }
        }
        #expect(checked > 1000)
    }

    @Test func anUnclosedValueEndsAtTheEndOfTheLine() {
        for text in ["\"abc", "\"abc\\\"", "{\"a\":[1,2", "[\"]\"", String(repeating: "[", count: 40)] {
            let bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBufferPointer { JSONDecoding.endOfValue($0, 0) } == bytes.count, "\(text)")
        }
    }
}
