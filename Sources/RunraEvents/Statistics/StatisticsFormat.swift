/// How `stats` writes its report.
public enum StatisticsFormat: String, Sendable, CaseIterable {
    /// Aligned columns for a terminal.
    case table
    /// One JSON object with a stable schema (docs/stats.schema.json).
    case json
    /// The metric table as comma-separated values with a header row.
    case csv
    /// GitHub-flavored Markdown tables, for a CI job summary.
    case markdown
    /// JUnit XML: each `--fail-if` is a test case.
    case junit
    /// One self-contained HTML page: the tables, and with `--bin` charts over time.
    case html
}
