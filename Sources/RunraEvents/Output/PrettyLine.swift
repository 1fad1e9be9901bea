/// The readable one-line form of an event: `TIME LEVEL TYPE SANDBOX RUN key=value …`.
enum PrettyLine {
    private static let reset = "\u{1B}[0m"
    private static let dim = "\u{1B}[2m"
    private static let bold = "\u{1B}[1m"

    static func color(for level: EventLevel) -> String {
        switch level {
        case .debug: return "\u{1B}[90m"
        case .info: return "\u{1B}[36m"
        case .warn: return "\u{1B}[33m"
        case .error: return "\u{1B}[31m"
        }
    }

    static func render(_ event: EventLine, colors: Bool, includeTimestamp: Bool = true, into out: inout [UInt8]) {
        var text = ""
        let level = event.level
        let levelName = level.description.uppercased().padding(toLength: 5)
        let type = event.type
        if includeTimestamp {
            let time = event.string(.timestamp) ?? "-"
            text += colors ? dim + time + reset + " " : time + " "
        }
        if colors {
            text += color(for: level) + levelName + reset + " " + bold + type + reset
        } else {
            text += levelName + " " + type
        }
        for key in [EventFields.Key.sandboxId, .runId] {
            if let value = event.string(key) { text += " " + (colors ? dim + value + reset : value) }
        }
        let data = event.fields.data
        if data.isPresent, event.bytes[data.start] == UInt8(ascii: "{") {
            for (key, span) in topLevelMembers(event.bytes, data) {
                let raw = UnsafeBufferPointer(rebasing: event.bytes[span.start..<span.end])
                let value: String
                if raw[0] == UInt8(ascii: "\"") {
                    let decoded = JSONDecoding.string(
                        fromQuotedContent: UnsafeBufferPointer(rebasing: raw[1..<(raw.count - 1)])
                    )
                    value = needsQuotes(decoded, isKey: false) ? JSONText.quoted(decoded) : decoded
                } else {
                    value = String(decoding: raw, as: UTF8.self)
                }
                let name = needsQuotes(key, isKey: true) ? JSONText.quoted(key) : key
                text += " " + (colors ? dim + name + "=" + reset : name + "=") + value
            }
        }
        out.append(contentsOf: text.utf8)
        out.append(0x0A)
    }

    /// Whether `text` must be quoted to read as one `key=value` item: it holds a space, a control character or a
    /// quote; a key also when it is empty or holds an `=`.
    static func needsQuotes(_ text: String, isKey: Bool) -> Bool {
        if isKey && (text.isEmpty || text.utf8.contains(UInt8(ascii: "="))) { return true }
        return text.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: "\"") }
    }

    /// The members of the object at `span`, in order.
    static func topLevelMembers(_ bytes: UnsafeBufferPointer<UInt8>, _ span: Span) -> [(String, Span)] {
        var members: [(String, Span)] = []
        var position = span.start + 1
        func skip() {
            while position < span.end,
                bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0D
                    || bytes[position] == 0x0A
            {
                position += 1
            }
        }
        skip()
        if bytes[position] == UInt8(ascii: "}") { return members }
        while position < span.end {
            skip()
            let keyEnd = JSONDecoding.endOfString(bytes, position)
            let key = JSONDecoding.string(
                fromQuotedContent: UnsafeBufferPointer(rebasing: bytes[(position + 1)..<(keyEnd - 1)])
            )
            position = keyEnd
            skip()
            position += 1
            skip()
            let valueEnd = JSONDecoding.endOfValue(bytes, position)
            members.append((key, Span(start: position, end: valueEnd)))
            position = valueEnd
            skip()
            let separator = bytes[position]
            position += 1
            if separator == UInt8(ascii: "}") { break }
        }
        return members
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
