public import RunraEvents

/// Which events one exporter receives: the `filter` object of an exporter entry.
///
/// An event passes when its type matches one of ``types`` (all types when empty), its level is at least
/// ``minimumLevel`` and ``condition`` is true.
public struct ExporterFilter: Sendable {
    /// Type globs (`exec.*`); empty means every type.
    public var types: [Glob]
    /// An expression in the language of `--where`.
    public var condition: Expression?
    /// The lowest level that passes.
    public var minimumLevel: EventLevel?

    /// A filter; the defaults pass everything.
    public init(types: [Glob] = [], condition: Expression? = nil, minimumLevel: EventLevel? = nil) {
        self.types = types
        self.condition = condition
        self.minimumLevel = minimumLevel
    }

    /// The filter's keys in a configuration file.
    public static let keys = ["types", "condition", "minLevel"]

    /// Whether every event passes (lets the engine skip the checks).
    public var passesEverything: Bool {
        condition == nil && minimumLevel == nil && (types.isEmpty || types.contains { $0.pattern == "*" })
    }

    /// Whether `event` passes.
    public func matches(_ event: RuntimeEvent) -> Bool {
        if !types.isEmpty {
            let type = event.type
            guard types.contains(where: { $0.matches(type) }) else { return false }
        }
        if let minimumLevel, event.level < minimumLevel { return false }
        if let condition, !condition.matches(event) { return false }
        return true
    }

    /// A warning for each type pattern that matches none of the runtime's event types (`exec.complete`): it is
    /// valid, since other types are events too, but most likely a typo.
    public func unknownTypeWarnings(path: String) -> [String] {
        types.enumerated().compactMap { index, glob in
            guard !KnownEventTypes.all.contains(where: { glob.matches($0) }) else { return nil }
            return "\(path).types[\(index)]: \(JSONText.quoted(glob.pattern)) matches none of the runtime's event types"
                + ExporterConfiguration.suggestion(for: glob.pattern, in: KnownEventTypes.all)
        }
    }

    /// Parses the `filter` object `value` at `path`.
    public init(parsing value: JSONValue, path: String) throws {
        guard case .object(let members) = value else {
            throw RunraError(
                .configuration,
                "\(path): expected an object with \(Self.keys.joined(separator: ", ")), "
                    + "got \(ExporterConfiguration.describe(value))"
            )
        }
        try ReplayConfiguration.checkKeys(members, allowed: Self.keys, path: path)
        var types: [Glob] = []
        switch members["types"] {
        case nil, .null?: break
        case .string(let single)?: types = [Glob(single)]
        case .array(let elements)?:
            for (index, element) in elements.enumerated() {
                guard case .string(let pattern) = element else {
                    throw RunraError(
                        .configuration,
                        "\(path).types[\(index)]: expected a type glob such as \"exec.*\", "
                            + "got \(ExporterConfiguration.describe(element))"
                    )
                }
                types.append(Glob(pattern))
            }
        case let other?:
            throw RunraError(
                .configuration,
                "\(path).types: expected a list of type globs, got \(ExporterConfiguration.describe(other))"
            )
        }
        var condition: Expression?
        switch members["condition"] {
        case nil, .null?: break
        case .string(let text)?:
            do {
                condition = try Expression(parsing: text, roots: .event)
            } catch {
                throw RunraError(.configuration, "\(path).condition: \(error)")
            }
        case let other?:
            throw RunraError(
                .configuration,
                "\(path).condition: expected an expression string, got \(ExporterConfiguration.describe(other))"
            )
        }
        var minimumLevel: EventLevel?
        switch members["minLevel"] {
        case nil, .null?: break
        case .string(let name)?:
            guard let level = EventLevel(name: name) else {
                throw RunraError(
                    .configuration,
                    "\(path).minLevel: expected debug, info, warn or error, got \(JSONText.quoted(name))"
                        + ExporterConfiguration.suggestion(for: name, in: ["debug", "info", "warn", "error"])
                )
            }
            minimumLevel = level
        case let other?:
            throw RunraError(
                .configuration,
                "\(path).minLevel: expected debug, info, warn or error, got \(ExporterConfiguration.describe(other))"
            )
        }
        self.init(types: types, condition: condition, minimumLevel: minimumLevel)
    }
}
