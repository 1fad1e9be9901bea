/// An event's severity, for `--min-level`, exporter `minLevel` and the console's `level: "error"`.
///
/// The rule (SPEC §2, docs/event-format.md): `data.level` when it is debug, info, warn or error;
/// otherwise `*.error` types and an `exec.completed` whose `exitCode` is a number other than 0 are
/// error, `agent.thinking` and `exec.streamed` are debug, and everything else is info.
public enum EventLevel: Int, Comparable, Sendable, CaseIterable, CustomStringConvertible {
    case debug, info, warn, error

    /// The level named `name` (`debug`, `info`, `warn`/`warning`, `error`), case-insensitively.
    public init?(name: String) {
        switch name.lowercased() {
        case "debug": self = .debug
        case "info": self = .info
        case "warn", "warning": self = .warn
        case "error": self = .error
        default: return nil
        }
    }

    public static func < (lhs: EventLevel, rhs: EventLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .debug: return "debug"
        case .info: return "info"
        case .warn: return "warn"
        case .error: return "error"
        }
    }
}
