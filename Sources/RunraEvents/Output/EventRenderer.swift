/// Renders events in an ``OutputFormat``, appending bytes to a buffer; works on the raw line.
struct EventRenderer: Sendable {
    let format: OutputFormat
    let fields: [JSONPath]
    let colors: Bool

    /// The fields csv and tsv print when none are given.
    static let defaultFields: [JSONPath] = ["id", "timestamp", "type", "sandboxId", "runId", "data"].map {
        JSONPath(keys: $0)
    }

    init(format: OutputFormat, fields: [JSONPath]?, colors: Bool) {
        self.format = format
        self.fields = fields ?? ((format == .csv || format == .tsv) ? Self.defaultFields : [])
        self.colors = colors
    }

    /// The header row for csv and tsv (nothing for other formats).
    func header() -> [UInt8] {
        switch format {
        case .csv: return Array((fields.map { Self.csvEscaped($0.description) }.joined(separator: ",") + "\n").utf8)
        case .tsv: return Array((fields.map { Self.tsvEscaped($0.description) }.joined(separator: "\t") + "\n").utf8)
        default: return []
        }
    }

    /// Appends `event` to `out`. For `.json` the element is preceded by `,\n` (see ``EventFilter``).
    func render(_ event: EventLine, into out: inout [UInt8]) {
        switch format {
        case .jsonl:
            out.append(contentsOf: event.bytes)
            out.append(0x0A)
        case .json:
            out.append(contentsOf: [UInt8(ascii: ","), 0x0A])
            if fields.isEmpty {
                out.append(contentsOf: event.bytes)
            } else {
                out.append(UInt8(ascii: "{"))
                for (index, path) in fields.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    JSONText.appendQuoted(path.description, to: &out)
                    out.append(UInt8(ascii: ":"))
                    if let span = event.span(at: path) {
                        out.append(contentsOf: event.bytes[span.start..<span.end])
                    } else {
                        out.append(contentsOf: Array("null".utf8))
                    }
                }
                out.append(UInt8(ascii: "}"))
            }
        case .csv, .tsv:
            for (index, path) in fields.enumerated() {
                if index > 0 { out.append(format == .csv ? UInt8(ascii: ",") : 0x09) }
                let text = Self.plainText(event, path)
                out.append(contentsOf: (format == .csv ? Self.csvEscaped(text) : Self.tsvEscaped(text)).utf8)
            }
            out.append(0x0A)
        case .pretty:
            PrettyLine.render(event, colors: colors, into: &out)
        }
    }

    /// A field as plain text: strings decoded, other values as JSON text, missing or null empty.
    static func plainText(_ event: EventLine, _ path: JSONPath) -> String {
        guard let span = event.span(at: path) else { return "" }
        let first = event.bytes[span.start]
        if first == UInt8(ascii: "\"") {
            return JSONDecoding.string(
                fromQuotedContent: UnsafeBufferPointer(rebasing: event.bytes[(span.start + 1)..<(span.end - 1)])
            )
        }
        if first == UInt8(ascii: "n") { return "" }
        return String(decoding: UnsafeBufferPointer(rebasing: event.bytes[span.start..<span.end]), as: UTF8.self)
    }

    static func csvEscaped(_ text: String) -> String {
        guard
            text.utf8.contains(where: {
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D
            })
        else { return text }
        return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
    }

    static func tsvEscaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == UInt8(ascii: "\\") }) else {
            return text
        }
        var out = ""
        for character in text.unicodeScalars {
            switch character {
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
