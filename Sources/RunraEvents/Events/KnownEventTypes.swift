/// The event types the runtime documents (SPEC §2). Other types are valid events too; this list only lets a
/// configuration say that a type pattern matches none of them (a likely typo).
public enum KnownEventTypes {
    /// The 22 types, family by family.
    public static let all: [String] = GeneratedEventType.allCases.map(\.name)
}
