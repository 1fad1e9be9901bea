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

    /// The components of an encoded key.
    static func decode(_ key: UnsafeRawBufferPointer) -> [GroupKeyValue] {
        var components: [GroupKeyValue] = []
        var position = 0
        while position < key.count {
            let tag = key[position]
            position += 1
            switch tag {
            case stringTag, jsonTag:
                let length = Int(UInt32(littleEndian: key.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
                position += 4
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: key[position..<(position + length)]), as: UTF8.self)
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
        return components
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
