public import RunraEvents

/// One exporter's `config` object, with typed accessors whose errors name the key path.
///
/// `${VAR}` references are already expanded when an exporter sees it. Accessors throw
/// ``RunraError/Code/configuration`` errors such as
/// `observability.exporters[1].config.batchSize: expected a number, got "ten"`.
public struct ExporterConfiguration: Sendable {
    /// Where this object sits in the configuration file, e.g. `observability.exporters[1].config`.
    public var path: String
    /// The keys and values as written (after `${VAR}` expansion).
    public var values: [String: JSONValue]
    /// The process environment, for defaults such as `AXIOM_TOKEN`.
    public var environment: [String: String]

    /// A configuration at `path` with `values`.
    public init(path: String = "config", values: [String: JSONValue] = [:], environment: [String: String] = [:]) {
        self.path = path
        self.values = values
        self.environment = environment
    }

    /// The full path of `key`, for messages.
    public func keyPath(_ key: String) -> String { "\(path).\(key)" }

    /// A string value, `nil` when absent.
    public func string(_ key: String) throws -> String? {
        guard let value = values[key], value != .null else { return nil }
        guard case .string(let text) = value else { throw typeError(key, "a string", value) }
        return text
    }

    /// An integer value, `nil` when absent. Numeric strings are accepted (from `--set key=value`).
    public func integer(_ key: String) throws -> Int? {
        guard let value = values[key], value != .null else { return nil }
        switch value {
        case .number(let number) where number == number.rounded() && abs(number) < 9e15: return Int(number)
        case .string(let text): if let number = Int(text) { return number }
        default: break
        }
        throw typeError(key, "a whole number", value)
    }

    /// A Boolean value, `nil` when absent. `"true"`/`"false"` strings are accepted.
    public func bool(_ key: String) throws -> Bool? {
        guard let value = values[key], value != .null else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .string("true"): return true
        case .string("false"): return false
        default: throw typeError(key, "true or false", value)
        }
    }

    /// A string at `key` that must be one of `choices`, `nil` when absent; a miss names them and suggests the nearest.
    public func choice(_ key: String, of choices: [String], caseSensitive: Bool = true) throws -> String? {
        guard let text = try string(key) else { return nil }
        if let match = choices.first(where: { caseSensitive ? $0 == text : $0.lowercased() == text.lowercased() }) {
            return match
        }
        throw error(
            key,
            "expected \(Self.alternatives(choices)), "
                + "got \(JSONText.quoted(text))\(Self.suggestion(for: text, in: choices))"
        )
    }

    /// `"a", "b" or "c"`.
    public static func alternatives(_ choices: [String]) -> String {
        let quoted = choices.map(JSONText.quoted)
        guard quoted.count > 1 else { return quoted.joined() }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    }

    /// ` (did you mean "x"?)` when `text` is near one of `choices`, else "".
    public static func suggestion(for text: String, in choices: [String]) -> String {
        KeySuggestion.nearest(to: text, in: choices).map { " (did you mean \(JSONText.quoted($0))?)" } ?? ""
    }

    /// A nested object as a configuration of its own, `nil` when absent.
    public func object(_ key: String) throws -> ExporterConfiguration? {
        guard let value = values[key], value != .null else { return nil }
        guard case .object(let members) = value else { throw typeError(key, "an object", value) }
        return ExporterConfiguration(path: keyPath(key), values: members, environment: environment)
    }

    /// An error for `key` with `message`.
    public func error(_ key: String, _ message: String) -> RunraError {
        RunraError(.configuration, "\(keyPath(key)): \(message)")
    }

    private func typeError(_ key: String, _ expected: String, _ value: JSONValue) -> RunraError {
        error(key, "expected \(expected), got \(Self.describe(value))")
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return String(flag)
        case .number(let number): return JSONText.number(number)
        case .string(let text): return JSONText.quoted(text.count > 40 ? String(text.prefix(40)) + "…" : text)
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
