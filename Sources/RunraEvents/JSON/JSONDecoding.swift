internal import CRunraSIMD

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decoding of values inside a line that ``JSONScanner`` has already validated.
///
/// Because the input is known to be valid, these routines skip checks the scanner made.
/// Nesting is at most ``JSONScanner/maximumDepth`` levels, which bounds the recursion in ``value(_:_:)``.
enum JSONDecoding {
    /// The decoded text of a string's content (between its quotes). Lone surrogates become U+FFFD.
    static func string(fromQuotedContent bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "\\")) else { return String(decoding: bytes, as: UTF8.self) }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count)
        var index = 0
        let count = bytes.count
        func appendScalar(_ value: UInt32) {
            let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
            utf8.append(contentsOf: String(scalar).utf8)
        }
        while index < count {
            let byte = bytes[index]
            if byte != UInt8(ascii: "\\") {
                utf8.append(byte)
                index += 1
                continue
            }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "u"):
                let unit = hex4(bytes, index)
                index += 4
                if unit >= 0xD800 && unit < 0xDC00, index + 6 <= count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                {
                    let low = hex4(bytes, index + 2)
                    if low >= 0xDC00 && low < 0xE000 {
                        index += 6
                        appendScalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        continue
                    }
                }
                appendScalar(unit)  // a lone surrogate fails Unicode.Scalar and becomes U+FFFD
            default: utf8.append(escape)  // \" \\ \/
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    @inline(__always)
    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 {
            value = value << 4 | UInt32(JSONScanner.hexValue(bytes[index + offset]) ?? 0)
        }
        return value
    }

    /// The number a validated number's text denotes.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Double {
        // Fast path: a plain integer of up to 15 digits is exact in a Double.
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        if bytes.count - index <= 15 {
            var value: Int64 = 0
            var plain = true
            while index < bytes.count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                if digit >= 10 {
                    plain = false
                    break
                }
                value = value * 10 + Int64(digit)
                index += 1
            }
            if plain { return Double(negative ? -value : value) }
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buffer in
            for position in 0..<bytes.count { buffer[position] = CChar(bitPattern: bytes[position]) }
            buffer[bytes.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }

    /// The value whose text is `line[span]`.
    static func value(_ line: UnsafeBufferPointer<UInt8>, _ span: Span) -> JSONValue {
        var position = span.start
        return parseValue(line, &position)
    }

    static func skipWhitespace(_ line: UnsafeBufferPointer<UInt8>, _ position: inout Int) {
        while position < line.count {
            switch line[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private static func parseValue(_ line: UnsafeBufferPointer<UInt8>, _ position: inout Int) -> JSONValue {
        skipWhitespace(line, &position)
        let start = position
        switch line[position] {
        case UInt8(ascii: "{"):
            position += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace(line, &position)
            if line[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace(line, &position)
                let keyEnd = endOfString(line, position)
                let key = string(fromQuotedContent: UnsafeBufferPointer(rebasing: line[(position + 1)..<(keyEnd - 1)]))
                position = keyEnd
                skipWhitespace(line, &position)
                position += 1  // ':'
                members[key] = parseValue(line, &position)
                skipWhitespace(line, &position)
                let separator = line[position]
                position += 1
                if separator == UInt8(ascii: "}") { return .object(members) }
            }
        case UInt8(ascii: "["):
            position += 1
            var elements: [JSONValue] = []
            skipWhitespace(line, &position)
            if line[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                elements.append(parseValue(line, &position))
                skipWhitespace(line, &position)
                let separator = line[position]
                position += 1
                if separator == UInt8(ascii: "]") { return .array(elements) }
            }
        case UInt8(ascii: "\""):
            position = endOfString(line, position)
            return .string(string(fromQuotedContent: UnsafeBufferPointer(rebasing: line[(start + 1)..<(position - 1)])))
        case UInt8(ascii: "t"):
            position += 4
            return .bool(true)
        case UInt8(ascii: "f"):
            position += 5
            return .bool(false)
        case UInt8(ascii: "n"):
            position += 4
            return .null
        default:
            position = endOfNumber(line, position)
            return .number(number(UnsafeBufferPointer(rebasing: line[start..<position])))
        }
    }

    /// The position after the closing quote of the string that opens at `start`.
    @inline(__always)
    static func endOfString(_ line: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        runra_string_end(line.baseAddress!, line.count, start)
    }

    @inline(__always)
    static func endOfNumber(_ line: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var position = start
        while position < line.count {
            switch line[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                position += 1
            default: return position
            }
        }
        return position
    }

    /// The position after the value that starts at `start` (after whitespace), without decoding it.
    static func endOfValue(_ line: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        switch line[start] {
        case UInt8(ascii: "\""): return endOfString(line, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["): return runra_container_end(line.baseAddress!, line.count, start)
        case UInt8(ascii: "t"), UInt8(ascii: "n"): return start + 4
        case UInt8(ascii: "f"): return start + 5
        default: return endOfNumber(line, start)
        }
    }

    /// The span of the value reached from the value at `span` by `components`, or `nil` when a step is missing.
    static func lookup(
        _ line: UnsafeBufferPointer<UInt8>,
        _ span: Span,
        _ components: ArraySlice<JSONPath.Component>
    ) -> Span? {
        var current = span
        for component in components {
            var position = current.start
            switch (line[position], component) {
            case (UInt8(ascii: "{"), .key(let key)):
                guard let found = member(of: line, objectAt: position, named: key) else { return nil }
                current = found
            case (UInt8(ascii: "["), .index(let wanted)):
                position += 1
                skipWhitespace(line, &position)
                if line[position] == UInt8(ascii: "]") { return nil }
                var elements: [Span] = []
                var index = 0
                var found: Span? = nil
                while true {
                    skipWhitespace(line, &position)
                    let valueEnd = endOfValue(line, position)
                    let element = Span(start: position, end: valueEnd)
                    if wanted >= 0 {
                        if index == wanted { found = element }
                    } else {
                        elements.append(element)
                    }
                    index += 1
                    position = valueEnd
                    skipWhitespace(line, &position)
                    let separator = line[position]
                    position += 1
                    if separator == UInt8(ascii: "]") || found != nil { break }
                }
                if wanted < 0 {
                    let resolved = elements.count + wanted
                    found = resolved >= 0 ? elements[resolved] : nil
                }
                guard let found else { return nil }
                current = found
            default:
                return nil
            }
        }
        return current
    }

    /// The span of the last member named `key` of the object that opens at `start`, or `nil`.
    private static func member(of line: UnsafeBufferPointer<UInt8>, objectAt start: Int, named key: String) -> Span? {
        var utf8Key = key
        // The key's bytes are taken once per object, not once per member.
        return utf8Key.withUTF8 { wanted in
            var position = start + 1
            skipWhitespace(line, &position)
            if line[position] == UInt8(ascii: "}") { return nil }
            var found: Span? = nil
            while true {
                skipWhitespace(line, &position)
                let keyEnd = endOfString(line, position)
                let matches = keyEquals(UnsafeBufferPointer(rebasing: line[(position + 1)..<(keyEnd - 1)]), wanted, key)
                position = keyEnd
                skipWhitespace(line, &position)
                position += 1
                skipWhitespace(line, &position)
                let valueEnd = endOfValue(line, position)
                if matches { found = Span(start: position, end: valueEnd) }  // the last duplicate wins
                position = valueEnd
                skipWhitespace(line, &position)
                let separator = line[position]
                position += 1
                if separator == UInt8(ascii: "}") { return found }
            }
        }
    }

    /// Whether a key written as `raw` (between its quotes) is `key`, whose UTF-8 is `wanted`.
    @inline(__always)
    private static func keyEquals(
        _ raw: UnsafeBufferPointer<UInt8>,
        _ wanted: UnsafeBufferPointer<UInt8>,
        _ key: String
    ) -> Bool {
        let sameBytes =
            raw.count == wanted.count && (raw.isEmpty || memcmp(wanted.baseAddress!, raw.baseAddress!, raw.count) == 0)
        // A key with escapes is longer than its value, so a shorter one or other bytes of the same length never match.
        guard sameBytes || raw.count > wanted.count else { return false }
        // Without escapes the bytes are the key; with them only the decoded key counts: `a\nb` written in a line (an
        // escaped newline) is not the key a, backslash, n, b.
        guard raw.contains(UInt8(ascii: "\\")) else { return sameBytes }
        return string(fromQuotedContent: raw) == key
    }
}
