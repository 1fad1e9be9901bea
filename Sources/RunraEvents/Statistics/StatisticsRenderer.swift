/// Writes a ``StatisticsReport`` and its `--fail-if` results in one of the ``StatisticsFormat``s.
public struct StatisticsRenderer: Sendable {
    /// The report.
    public var report: StatisticsReport
    /// The `--fail-if` results, in the order given.
    public var checks: [StatisticsCheckResult]
    /// The `--baseline` report on its own, for the html format's charts beside the report's.
    public var baseline: StatisticsReport?

    /// A renderer of `report` with `checks`, and `baseline` for the html charts.
    public init(report: StatisticsReport, checks: [StatisticsCheckResult] = [], baseline: StatisticsReport? = nil) {
        self.report = report
        self.checks = checks
        self.baseline = baseline
    }

    /// The whole output text, ending in a newline.
    public func render(_ format: StatisticsFormat) -> String {
        var text = ""
        render(format) { text += $0 }
        return text
    }

    /// Writes the output in pieces of about 64 KiB to `emit`, so a report of many groups is never
    /// held in memory as text.
    public func render(_ format: StatisticsFormat, to emit: (String) -> Void) {
        withoutActuallyEscaping(emit) { emit in
            var out = Output(emit: emit)
            switch format {
            case .table: table(&out)
            case .json: json(&out)
            case .csv: csv(&out)
            case .markdown: markdown(&out)
            case .junit: junit(&out)
            case .html: html(&out)
            }
            out.flush()
        }
    }

    /// Text on its way out: appended to, and handed on whenever it grows past 64 KiB.
    struct Output {
        var text = ""
        let emit: (String) -> Void

        init(emit: @escaping (String) -> Void) {
            self.emit = emit
        }

        static func += (out: inout Output, piece: String) {
            out.text += piece
            if out.text.utf8.count >= 65_536 { out.flush() }
        }

        mutating func flush() {
            if !text.isEmpty { emit(text) }
            text = ""
        }
    }

    /// One column of the flattened metric table: a metric column, or its baseline value or change.
    struct FlatColumn {
        enum Part { case current, baseline, change }
        var column: StatisticsColumn
        var part: Part

        var name: String {
            switch part {
            case .current: return column.name
            case .baseline: return "baseline_" + column.name
            case .change: return "change_" + column.name
            }
        }

        func value(_ row: StatisticsReport.Row) -> Double? {
            switch part {
            case .current: return column.value(row.statistics)
            case .baseline: return row.baseline.flatMap { column.value($0) }
            case .change:
                return row.baseline.flatMap {
                    StatisticsColumn.change(from: column.value($0), to: column.value(row.statistics))
                }
            }
        }

        /// The value for people: counts as integers, error rates and changes as percentages.
        func humanText(_ row: StatisticsReport.Row) -> String? {
            let value = value(row)
            if part == .change { return StatisticsNumberFormat.change(value) }
            if column == .errorRate { return StatisticsNumberFormat.percent(value) }
            return StatisticsNumberFormat.text(value)
        }
    }

    /// The metric columns, each followed by its baseline and change when there is a baseline.
    ///
    /// For people (`forPeople`), only count, error_rate, avg, the percentiles and max get baseline and
    /// change columns, so the table stays readable; csv and json have them for every column.
    func flatColumns(forPeople: Bool = false) -> [FlatColumn] {
        report.columns.flatMap { column -> [FlatColumn] in
            let compared = report.hasBaseline && (!forPeople || Self.comparedForPeople(column))
            return compared
                ? [
                    FlatColumn(column: column, part: .current), FlatColumn(column: column, part: .baseline),
                    FlatColumn(column: column, part: .change),
                ]
                : [FlatColumn(column: column, part: .current)]
        }
    }

    static func comparedForPeople(_ column: StatisticsColumn) -> Bool {
        switch column {
        case .count, .errorRate, .average, .percentile, .max: return true
        default: return false
        }
    }

    /// `data.durationMs over exec.completed, by sandboxId, per 1m`.
    var title: String {
        var title = "\(report.metric) over \(report.metricTypes.joined(separator: ", "))"
        let keys = report.keyNames.filter { $0 != "bin" || report.binWidth == nil }
        if !keys.isEmpty { title += ", by " + keys.joined(separator: ", ") }
        if let width = report.binWidth { title += ", per " + Self.durationText(width) }
        return title
    }

    /// A bin width as `1m`, `90s`, `500ms`.
    static func durationText(_ nanoseconds: Int64) -> String {
        let units: [(Int64, String)] = [
            (604_800_000_000_000, "w"), (86_400_000_000_000, "d"), (3_600_000_000_000, "h"), (60_000_000_000, "m"),
            (1_000_000_000, "s"), (1_000_000, "ms"),
        ]
        for (size, suffix) in units where nanoseconds % size == 0 { return "\(nanoseconds / size)\(suffix)" }
        return "\(nanoseconds)ns"
    }

    /// The `--fail-if` lines for people: `FAIL p95 > 500: sandboxId=sb_1 (p95=612)`.
    func checkLines() -> [String] {
        checks.flatMap { result -> [String] in
            if result.passed { return ["PASS \(result.check.expression)"] }
            return result.crossing.map { "FAIL \(result.check.expression): \(result.describe($0, in: report))" }
        }
    }
}
