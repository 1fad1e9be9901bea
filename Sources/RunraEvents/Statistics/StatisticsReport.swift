/// What `stats` computed: events by type, and the metric table (one row per group).
public struct StatisticsReport: Sendable {
    /// How many selected events had one type.
    public struct TypeCount: Sendable, Equatable {
        public var type: String
        public var count: Int
    }

    /// One group of the metric table.
    public struct Row: Sendable {
        /// The group's key values, one per ``StatisticsReport/keyNames`` entry.
        public var key: [GroupKeyValue]
        /// The group's numbers.
        public var statistics: GroupStatistics
        /// The same group's numbers in the baseline log (empty when the group is not there); `nil` without a baseline.
        public var baseline: GroupStatistics?

        /// `sandboxId=sb_1, bin=2026-06-15T10:30:00.000Z`; `all` for the one row of an ungrouped report.
        public func label(keyNames: [String]) -> String {
            if key.isEmpty { return "all" }
            return zip(keyNames, key).map { "\($0)=\($1.description)" }.joined(separator: ", ")
        }

        static func keyOrder(_ lhs: [GroupKeyValue], _ rhs: [GroupKeyValue]) -> Bool {
            for (a, b) in zip(lhs, rhs) where a != b { return a < b }
            return false
        }
    }

    /// The metric path (`data.durationMs` by default).
    public var metric: JSONPath
    /// The type patterns the metric table is over.
    public var metricTypes: [String]
    /// The key columns: the `--by` paths, then `bin` with `--bin`.
    public var keyNames: [String]
    /// The `--bin` width in nanoseconds.
    public var binWidth: Int64?
    /// The percentile columns.
    public var percentiles: [Double]
    /// Selected events by type, most frequent first.
    public var typeCounts: [TypeCount]
    /// The metric table.
    public var rows: [Row]
    /// What was read.
    public var read: ReadSummary
    /// What was read of the baseline, with `--baseline`.
    public var baselineRead: ReadSummary?
    /// Groups found, before `--min-count` and `--top`.
    public var groupCount: Int
    /// Groups left out by `--min-count`.
    public var groupsBelowMinimum = 0

    init(
        metric: JSONPath, metricTypes: [String], keyNames: [String], binWidth: Int64?, percentiles: [Double],
        typeCounts: [TypeCount], rows: [Row], read: ReadSummary
    ) {
        self.metric = metric
        self.metricTypes = metricTypes
        self.keyNames = keyNames
        self.binWidth = binWidth
        self.percentiles = percentiles
        self.typeCounts = typeCounts
        self.rows = rows
        self.read = read
        self.groupCount = rows.count
    }

    /// The metric columns, in output order.
    public var columns: [StatisticsColumn] { StatisticsColumn.all(percentiles: percentiles) }

    /// Whether rows are groups (`--by` or `--bin`), rather than the one row of all events.
    public var isGrouped: Bool { !keyNames.isEmpty }

    /// Whether the report has baseline columns.
    public var hasBaseline: Bool { baselineRead != nil }

    /// Selected events of every type.
    public var totalEvents: Int { typeCounts.reduce(0) { $0 + $1.count } }

    /// `--min-count`: leaves out groups with fewer than `minimum` events (the one row of an ungrouped report stays).
    public mutating func removeGroups(smallerThan minimum: Int) {
        guard isGrouped else { return }
        let before = rows.count
        rows.removeAll { $0.statistics.count < minimum }
        groupsBelowMinimum += before - rows.count
    }

    /// `--baseline`: puts the same group's numbers from `baseline` beside each row.
    public mutating func attachBaseline(_ baseline: StatisticsReport) {
        var byKey: [[GroupKeyValue]: GroupStatistics] = [:]
        for row in baseline.rows { byKey[row.key] = row.statistics }
        for index in rows.indices { rows[index].baseline = byKey[rows[index].key] ?? GroupStatistics() }
        baselineRead = baseline.read
    }

    /// `--sort`: orders rows by a column or key, missing values last; ties keep key order.
    public mutating func sort(by order: StatisticsSort) {
        if let keyIndex = keyNames.firstIndex(of: order.name) {
            rows.sort { lhs, rhs in
                let (a, b) = (lhs.key[keyIndex], rhs.key[keyIndex])
                if a == b { return Row.keyOrder(lhs.key, rhs.key) }
                if a == .missing || b == .missing { return b == .missing }
                return order.ascending ? a < b : b < a
            }
            return
        }
        guard let column = columns.first(where: { $0.name == order.name }) else { return }
        let values = rows.map { column.value($0.statistics) }
        let sortedIndices = rows.indices.sorted { i, j in
            switch (values[i], values[j]) {
            case (nil, nil): return Row.keyOrder(rows[i].key, rows[j].key)
            case (nil, _): return false
            case (_, nil): return true
            case (let a?, let b?):
                if a == b { return Row.keyOrder(rows[i].key, rows[j].key) }
                return order.ascending ? a < b : a > b
            }
        }
        rows = sortedIndices.map { rows[$0] }
    }

    /// `--top`: keeps the first `count` rows.
    public mutating func keepFirst(_ count: Int) {
        if rows.count > count { rows.removeLast(rows.count - count) }
    }
}

/// A `--sort` order: a column or key name, descending unless `:asc`.
public struct StatisticsSort: Sendable, Equatable {
    /// The column or key name.
    public var name: String
    /// Smallest first.
    public var ascending: Bool

    /// An order by `name`.
    public init(name: String, ascending: Bool = false) {
        self.name = name
        self.ascending = ascending
    }

    /// Parses `COLUMN`, `COLUMN:asc` or `COLUMN:desc`, checking the name against `names`.
    public init(parsing text: String, names: [String]) throws {
        var name = Substring(text)
        var ascending = false
        if let colon = text.lastIndex(of: ":") {
            let direction = text[text.index(after: colon)...]
            switch direction {
            case "asc": ascending = true
            case "desc": ascending = false
            default: throw RunraError(.usage, "--sort '\(text)': the direction after ':' must be asc or desc")
            }
            name = text[..<colon]
        }
        guard names.contains(String(name)) else {
            throw RunraError(.usage, "--sort: unknown column '\(name)'; choose one of \(names.joined(separator: ", "))")
        }
        self.init(name: String(name), ascending: ascending)
    }
}
