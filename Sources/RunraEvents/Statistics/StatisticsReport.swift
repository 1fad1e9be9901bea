/// What `stats` computed: events by type, and the metric table (one row per group).
///
/// Groups are stored column-wise (numbers, encoded keys in one arena, row order), so a report of many
/// groups (`--by sandboxId --bin 1m`) costs about 120 bytes per group; ``row(_:)`` builds one row on demand.
public struct StatisticsReport: Sendable {
    /// How many selected events had one type.
    public struct TypeCount: Sendable, Equatable {
        public var type: String
        public var count: Int
    }

    /// One row of the metric table.
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
    /// What was read.
    public var read: ReadSummary
    /// What was read of the baseline, with `--baseline`.
    public var baselineRead: ReadSummary?
    /// Groups found, before `--min-count` and `--top`.
    public var groupCount: Int
    /// Groups left out by `--min-count`.
    public var groupsBelowMinimum = 0

    /// Per group: its numbers, its baseline numbers (with a baseline), and its ``GroupKey``-encoded key
    /// (group `g`'s key is `keyArena[keyStarts[g]..<keyStarts[g + 1]]`, the last ending at the arena's end).
    private var groupStatistics: [GroupStatistics]
    private var groupBaselines: [GroupStatistics] = []
    private let keyArena: [UInt8]
    private let keyStarts: [UInt32]
    /// The rows, as group indices, in output order.
    private var order: [Int]

    init(
        metric: JSONPath,
        metricTypes: [String],
        keyNames: [String],
        binWidth: Int64?,
        percentiles: [Double],
        typeCounts: [TypeCount],
        statistics: [GroupStatistics],
        keyArena: [UInt8],
        keyStarts: [UInt32],
        read: ReadSummary
    ) {
        self.metric = metric
        self.metricTypes = metricTypes
        self.keyNames = keyNames
        self.binWidth = binWidth
        self.percentiles = percentiles
        self.typeCounts = typeCounts
        self.groupStatistics = statistics
        self.keyArena = keyArena
        self.keyStarts = keyStarts
        self.read = read
        self.groupCount = statistics.count
        self.order = Array(statistics.indices)
        if !keyNames.isEmpty { order = sortedByKey(order) }
    }

    /// Calls `body` with group `group`'s encoded key.
    private func withKey<Result>(_ group: Int, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        keyArena.withUnsafeBytes { arena in
            let end = group + 1 < keyStarts.count ? Int(keyStarts[group + 1]) : arena.count
            return body(UnsafeRawBufferPointer(rebasing: arena[Int(keyStarts[group])..<end]))
        }
    }

    /// `groups` in key order (all components), or by component `only` first, ties in key order.
    private func sortedByKey(_ groups: [Int], only: Int? = nil, ascending: Bool = true) -> [Int] {
        keyArena.withUnsafeBytes { arena in
            func key(_ group: Int) -> UnsafeRawBufferPointer {
                let end = group + 1 < keyStarts.count ? Int(keyStarts[group + 1]) : arena.count
                return UnsafeRawBufferPointer(rebasing: arena[Int(keyStarts[group])..<end])
            }
            return groups.sorted { i, j in
                let (a, b) = (key(i), key(j))
                if let only {
                    if GroupKey.isMissing(a, component: only) != GroupKey.isMissing(b, component: only) {
                        return GroupKey.isMissing(b, component: only)
                    }
                    if GroupKey.less(a, b, only: only) { return ascending }
                    if GroupKey.less(b, a, only: only) { return !ascending }
                }
                return GroupKey.less(a, b)
            }
        }
    }

    /// Whether group `i` sorts before group `j` by key.
    private func keyLess(_ i: Int, _ j: Int) -> Bool {
        keyArena.withUnsafeBytes { arena in
            func key(_ group: Int) -> UnsafeRawBufferPointer {
                let end = group + 1 < keyStarts.count ? Int(keyStarts[group + 1]) : arena.count
                return UnsafeRawBufferPointer(rebasing: arena[Int(keyStarts[group])..<end])
            }
            return GroupKey.less(key(i), key(j))
        }
    }

    /// The metric columns, in output order.
    public var columns: [StatisticsColumn] { StatisticsColumn.all(percentiles: percentiles) }

    /// Whether rows are groups (`--by` or `--bin`), rather than the one row of all events.
    public var isGrouped: Bool { !keyNames.isEmpty }

    /// Whether the report has baseline columns.
    public var hasBaseline: Bool { baselineRead != nil }

    /// Selected events of every type.
    public var totalEvents: Int { typeCounts.reduce(0) { $0 + $1.count } }

    /// Rows in the metric table.
    public var rowCount: Int { order.count }

    /// Row `position` of the metric table (0-based, in output order).
    public func row(_ position: Int) -> Row {
        let group = order[position]
        var key: [GroupKeyValue] = []
        if isGrouped { withKey(group) { GroupKey.decode($0, into: &key) } }
        return Row(
            key: key,
            statistics: groupStatistics[group],
            baseline: groupBaselines.isEmpty ? nil : groupBaselines[group]
        )
    }

    /// Every row of the metric table, in output order.
    public var rows: [Row] { (0..<rowCount).map(row) }

    /// `--min-count`: leaves out groups with fewer than `minimum` events (the one row of an ungrouped report stays).
    public mutating func removeGroups(smallerThan minimum: Int) {
        guard isGrouped else { return }
        let before = order.count
        order.removeAll { groupStatistics[$0].count < minimum }
        groupsBelowMinimum += before - order.count
    }

    /// `--baseline`: puts the same group's numbers from `baseline` beside each row.
    public mutating func attachBaseline(_ baseline: StatisticsReport) {
        var index = ByteKeyTable<Int>()
        for group in baseline.groupStatistics.indices {
            baseline.withKey(group) { key in
                let entry = index.index(of: key, hash: ByteKeyTable<Int>.hash(key)) { group }
                index.values[entry] = group
            }
        }
        groupBaselines = groupStatistics.indices.map { group in
            withKey(group) { key in
                let before = index.count
                let entry = index.index(of: key, hash: ByteKeyTable<Int>.hash(key)) { -1 }
                return index.count == before ? baseline.groupStatistics[index.values[entry]] : GroupStatistics()
            }
        }
        baselineRead = baseline.read
    }

    /// `--sort`: orders rows by a column or key, missing values last; ties keep key order.
    public mutating func sort(by sortOrder: StatisticsSort) {
        if let keyIndex = keyNames.firstIndex(of: sortOrder.name) {
            order = sortedByKey(order, only: keyIndex, ascending: sortOrder.ascending)
            return
        }
        guard let column = columns.first(where: { $0.name == sortOrder.name }) else { return }
        let values = groupStatistics.map { column.value($0) }
        var sorted = order
        sorted.sort { i, j in
            switch (values[i], values[j]) {
            case (nil, nil): return keyLess(i, j)
            case (nil, _): return false
            case (_, nil): return true
            case (let a?, let b?):
                if a == b { return keyLess(i, j) }
                return sortOrder.ascending ? a < b : a > b
            }
        }
        order = sorted
    }

    /// `--top`: keeps the first `count` rows.
    public mutating func keepFirst(_ count: Int) {
        if order.count > count { order.removeLast(order.count - count) }
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
