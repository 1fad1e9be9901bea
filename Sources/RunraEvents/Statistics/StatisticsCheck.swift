/// A `--fail-if` threshold, judged on every row of the metric table.
public struct StatisticsCheck: Sendable {
    /// The condition that marks a row as failing.
    public let expression: Expression

    /// Parses `source`, and checks that each path it reads is a column, a key, `group`, or with a
    /// baseline `baseline.<column>` / `change.<column>`, so a typo cannot make a gate pass silently.
    public init(parsing source: String, columns: [StatisticsColumn], keyNames: [String], hasBaseline: Bool) throws {
        expression = try Expression(parsing: source)
        let columnNames = columns.map(\.name)
        for path in expression.paths {
            let text = path.description
            if keyNames.contains(text) || text == "group" || columnNames.contains(text) { continue }
            if path.components.count == 2, case .key(let prefix) = path.components[0],
                prefix == "baseline" || prefix == "change", case .key(let name) = path.components[1],
                columnNames.contains(name)
            {
                if hasBaseline { continue }
                throw RunraError(.usage, "--fail-if '\(source)': '\(text)' needs --baseline FILE")
            }
            var known = columnNames + keyNames
            if hasBaseline { known += ["baseline.<column>", "change.<column>"] }
            throw RunraError(
                .usage,
                "--fail-if '\(source)': unknown column '\(text)'; use one of \(known.joined(separator: ", "))"
            )
        }
    }

    /// The rows of `report` for which the condition holds.
    public func crossingRows(in report: StatisticsReport) -> [StatisticsReport.Row] {
        (0..<report.rowCount).compactMap { position in
            let row = report.row(position)
            return expression.matches(StatisticsRowContext(row: row, report: report)) ? row : nil
        }
    }

    /// The value at `path` in `row`, for messages that show why a row failed.
    public func value(at path: JSONPath, in row: StatisticsReport.Row, of report: StatisticsReport) -> JSONValue? {
        StatisticsRowContext(row: row, report: report).value(at: path)
    }
}

/// What one `--fail-if` found.
public struct StatisticsCheckResult: Sendable {
    /// The threshold.
    public var check: StatisticsCheck
    /// The rows that crossed it.
    public var crossing: [StatisticsReport.Row]
    /// Whether no row crossed it.
    public var passed: Bool { crossing.isEmpty }

    /// Judges `check` on every row of `report`.
    public init(check: StatisticsCheck, report: StatisticsReport) {
        self.check = check
        self.crossing = check.crossingRows(in: report)
    }

    /// `sandboxId=sb_1 (p95=612.3)`: a crossing row and the values the expression read.
    public func describe(_ row: StatisticsReport.Row, in report: StatisticsReport) -> String {
        let label = row.label(keyNames: report.keyNames)
        let shown = check.expression.paths.filter {
            !report.keyNames.contains($0.description) && $0.description != "group"
        }
        if shown.isEmpty { return label }
        let values = shown.map { path -> String in
            let value = check.value(at: path, in: row, of: report) ?? .null
            return "\(path)=\(StatisticsNumberFormat.text(value.doubleValue, digits: 3) ?? "null")"
        }
        return "\(label) (\(values.joined(separator: ", ")))"
    }
}
