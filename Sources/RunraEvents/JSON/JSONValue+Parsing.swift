extension JSONValue {
    /// Parses one JSON text (any kind of value); throws ``RunraError/Code/configuration`` with the byte offset
    /// when it is not valid JSON.
    public init(parsing bytes: [UInt8]) throws {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 || bytes[start] == 0x0A || bytes[start] == 0x0D
        {
            start += 1
        }
        while end > start,
            bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D
        {
            end -= 1
        }
        let trimmed = Array(bytes[start..<end])
        if trimmed.isEmpty { throw RunraError(.configuration, "invalid JSON: empty text") }
        let value: JSONValue = try trimmed.withUnsafeBufferPointer { buffer in
            if let failure = JSONScanner.validate(buffer) {
                throw RunraError(.configuration, failure.reason)
            }
            return JSONDecoding.value(buffer, Span(start: 0, end: buffer.count))
        }
        self = value
    }

    /// The raw JSON text of the top-level member `key` of the object `objectText`, or `nil` when the text is not an
    /// object or has no such member. The text must be valid JSON (see ``init(parsing:)``).
    public static func rawMember(_ key: String, of objectText: [UInt8]) -> [UInt8]? {
        objectText.withUnsafeBufferPointer { bytes -> [UInt8]? in
            var first = 0
            while first < bytes.count, bytes[first] == 0x20 || bytes[first] == 0x09 { first += 1 }
            guard first < bytes.count, bytes[first] == UInt8(ascii: "{") else { return nil }
            var last = bytes.count
            while last > first, bytes[last - 1] != UInt8(ascii: "}") { last -= 1 }
            for (name, span) in PrettyLine.topLevelMembers(bytes, Span(start: first, end: last)) where name == key {
                return Array(bytes[span.start..<span.end])
            }
            return nil
        }
    }
}
