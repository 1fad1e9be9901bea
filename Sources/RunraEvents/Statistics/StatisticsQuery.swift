/// What `stats` does with the statistics once they are counted: compares them with a baseline's, judges the
/// `--fail-if` thresholds, drops small groups, sorts, and keeps the first rows. Built (and its expressions parsed)
/// before any input is read, so that a mistake costs no reading and no output file.
public struct StatisticsQuery: Sendable {
    /// The thresholds, in the order given.
    public let checks: [StatisticsCheck]
    /// The row order (by `count` when only the number of rows is given).
    public let order: StatisticsSort?
    /// Rows kept, after sorting.
    public let top: Int?
    /// Groups with fewer events are dropped (before the thresholds are judged).
    public let minCount: Int?

    /// What becomes of a report: its rows, and each threshold's verdict.
    public struct Result: Sendable {
        /// The report compared, filtered, sorted and cut.
        public var report: StatisticsReport
        /// Each threshold with the rows that crossed it (judged before sorting and cutting).
        public var checks: [StatisticsCheckResult]

        /// Whether a threshold was crossed.
        public var crossed: Bool { checks.contains { !$0.passed } }
    }

    /// Parses `failIf` and `sort` against the columns and group keys of `statistics`; throws for an expression
    /// that names neither, or uses a baseline when there is none.
    public init(
        statistics: EventStatistics,
        failIf: [String] = [],
        sort: String? = nil,
        top: Int? = nil,
        minCount: Int? = nil,
        hasBaseline: Bool = false
    ) throws {
        let columns = StatisticsColumn.all(percentiles: statistics.percentiles)
        var keyNames = statistics.groupBy.map(\.description)
        if statistics.binWidth != nil { keyNames.append("bin") }
        checks = try failIf.map {
            try StatisticsCheck(parsing: $0, columns: columns, keyNames: keyNames, hasBaseline: hasBaseline)
        }
        var order = try sort.map { try StatisticsSort(parsing: $0, names: keyNames + columns.map(\.name)) }
        if order == nil && top != nil { order = StatisticsSort(name: "count") }
        self.order = order
        self.top = top
        self.minCount = minCount
    }

    /// `report` compared with `baseline` (when there is one), without the groups smaller than ``minCount``, judged
    /// by the thresholds, then sorted and cut to ``top`` rows.
    public func apply(to report: StatisticsReport, baseline: StatisticsReport? = nil) -> Result {
        var report = report
        if let baseline { report.attachBaseline(baseline) }
        if let minCount { report.removeGroups(smallerThan: minCount) }
        let results = checks.map { StatisticsCheckResult(check: $0, report: report) }
        if let order { report.sort(by: order) }
        if let top { report.keepFirst(top) }
        return Result(report: report, checks: results)
    }
}
