/// The byte encoding of a group's key (its `--by` values and `--bin` bucket), built per event without allocating.
///
/// Per component: `0` (missing or null); `1`, a 4-byte length and a string's decoded UTF-8; `2`, a length
/// and another value's JSON text; `3` and an 8-byte bucket start in nanoseconds since the epoch.
enum GroupKey {
    static let missingTag: UInt8 = 0
    static let stringTag: UInt8 = 1
    static let jsonTag: UInt8 = 2
    static let timeTag: UInt8 = 3

    /// Appends the key component for the value at `span` (`nil`: missing).
    @inline(__always)
    static func appendValue(_ event: EventLine, _ span: Span?, to key: inout [UInt8]) {
        guard let span, event.bytes[span.start] != UInt8(ascii: "n") else {
            key.append(missingTag)
            return
        }
        if event.bytes[span.start] == UInt8(ascii: "\"") {
            if let plain = event.plainStringContent(span) {
                appendBytes(stringTag, plain, to: &key)
            } else {
                var decoded = JSONDecoding.value(event.bytes, span).stringValue ?? ""
                decoded.withUTF8 { appendBytes(stringTag, $0, to: &key) }
            }
        } else {
            appendBytes(jsonTag, UnsafeBufferPointer(rebasing: event.bytes[span.start..<span.end]), to: &key)
        }
    }

    /// Appends a `--bin` component: the start of the bucket `timestamp` falls in.
    @inline(__always)
    static func appendBin(_ timestamp: Timestamp?, width: Int64, to key: inout [UInt8]) {
        guard let timestamp else {
            key.append(missingTag)
            return
        }
        let nanos = timestamp.nanosecondsSinceEpoch
        var start = nanos / width * width
        if start > nanos { start -= width }  // floor for times before 1970
        key.append(timeTag)
        withUnsafeBytes(of: start.littleEndian) { key.append(contentsOf: $0) }
    }

    @inline(__always)
    private static func appendBytes(_ tag: UInt8, _ bytes: UnsafeBufferPointer<UInt8>, to key: inout [UInt8]) {
        key.append(tag)
        withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { key.append(contentsOf: $0) }
        key.append(contentsOf: bytes)
    }

    /// Whether encoded key `a` sorts before `b`, component by component (or only component `only`):
    /// missing last, strings by UTF-8 bytes (Unicode scalar order), times by instant, other JSON values
    /// numerically when both are numbers.
    static func less(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, only: Int? = nil) -> Bool {
        var positionA = 0
        var positionB = 0
        var component = 0
        while positionA < a.count && positionB < b.count {
            let (tagA, contentA, nextA) = Self.component(a, at: positionA)
            let (tagB, contentB, nextB) = Self.component(b, at: positionB)
            positionA = nextA
            positionB = nextB
            defer { component += 1 }
            if let only, only != component { continue }
            if tagA == missingTag || tagB == missingTag {
                if tagA == tagB { continue }
                return tagB == missingTag
            }
            if tagA == timeTag && tagB == timeTag {
                let x = contentA.loadUnaligned(as: Int64.self)
                let y = contentB.loadUnaligned(as: Int64.self)
                if x != y { return Int64(littleEndian: x) < Int64(littleEndian: y) }
                continue
            }
            if tagA == jsonTag && tagB == jsonTag, let x = Self.number(contentA), let y = Self.number(contentB), x != y
            {
                return x < y
            }
            let common = Swift.min(contentA.count, contentB.count)
            let order = common == 0 ? 0 : memcmp(contentA.baseAddress!, contentB.baseAddress!, common)
            if order != 0 { return order < 0 }
            if contentA.count != contentB.count { return contentA.count < contentB.count }
        }
        return false
    }

    /// Whether component `component` of an encoded key is missing.
    static func isMissing(_ key: UnsafeRawBufferPointer, component: Int) -> Bool {
        var position = 0
        for _ in 0..<component { position = Self.component(key, at: position).2 }
        return key[position] == missingTag
    }

    /// The tag, content bytes and end of the component at `position`.
    @inline(__always)
    private static func component(
        _ key: UnsafeRawBufferPointer,
        at position: Int
    ) -> (UInt8, UnsafeRawBufferPointer, Int) {
        let tag = key[position]
        switch tag {
        case stringTag, jsonTag:
            let length = Int(UInt32(littleEndian: key.loadUnaligned(fromByteOffset: position + 1, as: UInt32.self)))
            return (
                tag, UnsafeRawBufferPointer(rebasing: key[(position + 5)..<(position + 5 + length)]),
                position + 5 + length
            )
        case timeTag:
            return (tag, UnsafeRawBufferPointer(rebasing: key[(position + 1)..<(position + 9)]), position + 9)
        default:
            return (tag, UnsafeRawBufferPointer(start: nil, count: 0), position + 1)
        }
    }

    private static func number(_ text: UnsafeRawBufferPointer) -> Double? {
        guard let first = text.first, first == UInt8(ascii: "-") || first &- UInt8(ascii: "0") < 10 else { return nil }
        return JSONDecoding.number(text.assumingMemoryBound(to: UInt8.self))
    }

    /// The components of an encoded key.
    static func decode(_ key: UnsafeRawBufferPointer, into components: inout [GroupKeyValue]) {
        var position = 0
        while position < key.count {
            let tag = key[position]
            position += 1
            switch tag {
            case stringTag, jsonTag:
                let length = Int(UInt32(littleEndian: key.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
                position += 4
                let text = String(
                    decoding: UnsafeRawBufferPointer(rebasing: key[position..<(position + length)]),
                    as: UTF8.self
                )
                position += length
                components.append(tag == stringTag ? .string(text) : .json(text))
            case timeTag:
                let start = Int64(littleEndian: key.loadUnaligned(fromByteOffset: position, as: Int64.self))
                position += 8
                components.append(.time(Timestamp(nanosecondsSinceEpoch: start)))
            default:
                components.append(.missing)
            }
        }
    }
}

/// One component of a group's key.
public enum GroupKeyValue: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The path is absent or `null` (or, for `--bin`, the event has no valid timestamp).
    case missing
    /// A string value.
    case string(String)
    /// A value that is not a string, as its JSON text (e.g. `1`, `true`).
    case json(String)
    /// The start of a `--bin` bucket.
    case time(Timestamp)

    /// The value as report text: strings as they are, times in RFC 3339, missing as `nil`.
    public var text: String? {
        switch self {
        case .missing: return nil
        case .string(let text), .json(let text): return text
        case .time(let time): return time.description
        }
    }

    public var description: String { text ?? "null" }

    /// Missing sorts last; numbers by value; everything else by text.
    public static func < (lhs: GroupKeyValue, rhs: GroupKeyValue) -> Bool {
        switch (lhs, rhs) {
        case (.missing, _): return false
        case (_, .missing): return true
        case (.time(let a), .time(let b)): return a < b
        case (.json(let a), .json(let b)):
            if let x = Double(a), let y = Double(b), x != y { return x < y }
            return a < b
        default: return (lhs.text ?? "") < (rhs.text ?? "")
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
