/// How `filter` and `tail` write events.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// Each event's line exactly as read (SPEC §3).
    case jsonl
    /// One JSON array: the events, or with fields, flat objects keyed by the field paths.
    case json
    /// One readable line per event: time, level, type, sandbox, run, then `data` as key=value.
    case pretty
    /// Comma-separated values with a header row (RFC 4180 quoting).
    case csv
    /// Tab-separated values with a header row; tab, newline and backslash escaped as `\t`, `\n`, `\\`.
    case tsv
}
