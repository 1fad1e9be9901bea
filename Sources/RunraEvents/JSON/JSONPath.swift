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
                    text += "[\"" + key.replacingBackslashesAndQuotes() + "\"]"
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
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }
}

extension String {
    fileprivate func replacingBackslashesAndQuotes() -> String {
        var out = ""
        for character in self {
            if character == "\\" || character == "\"" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
