/// A path into an event: `type`, `data.exitCode`, `data["odd key"]`, `data.items[0]`.
///
/// Parse one with ``init(parsing:)``; the grammar is in docs/expressions.md.
public struct JSONPath: Hashable, Sendable, CustomStringConvertible {
    /// One step of a path.
    public enum Component: Hashable, Sendable {
        /// An object member.
        case key(String)
        /// An array element; negative counts from the end.
        case index(Int)
    }

    /// The steps, outermost first.
    public var components: [Component]

    /// A path made of `components`.
    public init(_ components: [Component]) {
        self.components = components
    }

    /// A path of object keys, e.g. `JSONPath(keys: "data", "exitCode")`.
    public init(keys: String...) {
        self.components = keys.map { .key($0) }
    }

    /// The key of `data` the path goes through (`exitCode` for `data.exitCode`, `labels` for `data.labels.team`).
    var dataKey: String? {
        guard components.count >= 2, components[0] == .key("data"), case .key(let name) = components[1] else {
            return nil
        }
        return name
    }

    /// The path written back in the expression syntax.
    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                if Self.isPlainIdentifier(key) {
                    if !text.isEmpty { text += "." }
                    text += key
                } else {
                    text += "[\"" + key.escapedAsQuotedKey() + "\"]"
                }
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }

    static func isPlainIdentifier(_ key: String) -> Bool {
        guard let first = key.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return key.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }
}

extension String {
    /// The key as the text between the quotes of `["…"]`: backslashes, quotes and control characters escaped, so a
    /// path's description parses back to it and never puts a raw tab or newline into a csv or tsv header.
    fileprivate func escapedAsQuotedKey() -> String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\\", "\"": out += "\\" + String(scalar)
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
