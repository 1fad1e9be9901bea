/// Which first names a path may start with.
///
/// `.event` is for paths read from events (`--where`, `--by`, `--fields`, a `condition`): a first name that is not
/// a field of an event (`dta.exitCode`, `event.type`) is an error with a suggestion, never a path that is always
/// missing. `.any` accepts every name (a stats row's columns, a `JSONValue` of any shape).
public enum PathRoots: Sendable {
    /// Every first name is accepted.
    case any
    /// The first name must be one of ``eventFields`` (or the arrow's parameter); `.extra` and `["extra"]` name
    /// another top-level field explicitly.
    case event

    /// The top-level fields of an event (SPEC §2), in the order messages list them.
    public static let eventFields = ["id", "timestamp", "type", "sandboxId", "runId", "data"]

    /// Why `path` cannot start as it does, with what to write instead; nil when it may.
    ///
    /// `prefix` is written before every suggested path (the arrow's parameter and a dot, or nothing).
    func refusal(of path: JSONPath, prefix: String = "") -> String? {
        guard self == .event, let first = path.components.first, case .key(let name) = first,
            !Self.eventFields.contains(name)
        else { return nil }
        let rest = Array(path.components.dropFirst())
        let suggestion: JSONPath
        if let near = Self.nearestField(to: name) {
            suggestion = JSONPath([.key(near)] + rest)
        } else if case .key(let second)? = rest.first, Self.eventFields.contains(second) {
            // `event.type`: the name of a parameter without its arrow.
            let written = prefix.isEmpty ? JSONPath(rest).description : prefix + JSONPath(rest).description
            return "'\(name)' is not a field of an event (\(Self.fieldList)); did you mean \(written)?"
                + (prefix.isEmpty ? " (or write the arrow form: (\(name)) => \(name).\(JSONPath(rest)) …)" : "")
        } else {
            let explicit = prefix.isEmpty ? ".\(path)" : "\(prefix.dropLast())[\(JSONText.quoted(name))]"
            return "'\(name)' is not a field of an event (\(Self.fieldList)); did you mean \(prefix)data.\(path)? "
                + "(a top-level field the runtime does not define is read as \(explicit))"
        }
        return "'\(name)' is not a field of an event (\(Self.fieldList)); did you mean \(prefix)\(suggestion)?"
    }

    static var fieldList: String { eventFields.joined(separator: ", ") }

    /// The field a misspelt `name` most likely means (`dta` → `data`, `sandboxid` → `sandboxId`).
    static func nearestField(to name: String) -> String? {
        EditDistance.nearest(to: name, in: eventFields, smallestLimit: 1)
    }
}
