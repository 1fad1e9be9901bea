/// A JSON value, built only when a command needs one (most work happens on raw bytes).
///
/// Objects keep their members in a dictionary: event output never re-encodes values,
/// so key order only matters to code that renders bytes, which works on the raw line.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// `false` for `null` and `false`, `true` for everything else (jq's truthiness).
    public var isTruthy: Bool {
        switch self {
        case .null, .bool(false): return false
        default: return true
        }
    }

    /// The number, when this is one.
    public var doubleValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The member or element that `component` names, or `nil` when there is none.
    public subscript(component: JSONPath.Component) -> JSONValue? {
        switch (self, component) {
        case (.object(let members), .key(let key)): return members[key]
        case (.array(let elements), .index(let index)):
            let position = index < 0 ? elements.count + index : index
            return elements.indices.contains(position) ? elements[position] : nil
        default: return nil
        }
    }

    /// The value at `path` below this one, or `nil` when any step is missing.
    public func value(at path: JSONPath) -> JSONValue? {
        var current = self
        for component in path.components {
            guard let next = current[component] else { return nil }
            current = next
        }
        return current
    }
}
