/// The `stats` command as a library call: events by type, and a metric table over groups.
///
/// Without `-t` types in the selection, the metric table is over `exec.completed` events; with them,
/// over every selected event (SPEC §9). Memory is bounded by the number of groups, not of events.
public struct EventStatistics: Sendable {
    /// Which events to count.
    public var selection: EventSelection
    /// `--metric`: the numeric field summarized per group.
    public var metric = JSONPath(keys: "data", "durationMs")
    /// `--by`: the paths whose values make a group's key, in order.
    public var groupBy: [JSONPath] = []
    /// `--bin`: the width of time buckets in nanoseconds (adds a `bin` key), or `nil`.
    public var binWidth: Int64?
    /// `--percentiles`: which percentiles (0…100) the report has columns for.
    public var percentiles: [Double] = [50, 90, 95, 99]

    /// Statistics over the events `selection` takes.
    public init(selection: EventSelection) {
        self.selection = selection
    }

    /// The type patterns the metric table is over: the `-t` globs, or `exec.completed`.
    public var metricTypes: [String] {
        selection.types.isEmpty ? ["exec.completed"] : selection.types.map(\.pattern)
    }

    /// Reads `paths` (`nil` or `-` is standard input) and computes the report.
    ///
    /// `onBadLine` sees every bad line in input order; throw from it to stop (`--strict`).
    public func run(
        paths: [String?],
        options: ReadOptions = ReadOptions(),
        onBadLine: (BadLine) throws -> Void
    ) throws -> StatisticsReport {
        let pipeline = EventPipeline<StatisticsProcessor>(
            paths: paths.isEmpty ? [nil] : paths,
            options: options.skippingMembers(outside: selection)
        )
        var types = ByteKeyTable<Int>()
        var groups = ByteKeyTable<GroupStatistics>()
        let read = try pipeline.run(
            makeProcessor: { StatisticsProcessor(statistics: self) },
            onBadLine: onBadLine,
            consume: { partial in
                for entry in 0..<partial.types.count {
                    partial.types.withKey(at: entry) { key in
                        let index = types.index(of: key, hash: partial.types.hashes[entry]) { 0 }
                        types.values[index] += partial.types.values[entry]
                    }
                }
                for entry in 0..<partial.groups.count {
                    partial.groups.withKey(at: entry) { key in
                        let index = groups.index(of: key, hash: partial.groups.hashes[entry]) { GroupStatistics() }
                        groups.values[index].merge(partial.groups.values[entry])
                    }
                }
                return true
            }
        )
        var typeCounts: [StatisticsReport.TypeCount] = []
        for entry in 0..<types.count {
            let name = types.withKey(at: entry) { String(decoding: $0, as: UTF8.self) }
            typeCounts.append(StatisticsReport.TypeCount(type: name, count: types.values[entry]))
        }
        typeCounts.sort { $0.count != $1.count ? $0.count > $1.count : $0.type < $1.type }
        var (keyArena, keyStarts, statistics) = groups.takeContents()
        if groupBy.isEmpty && binWidth == nil && statistics.isEmpty {
            statistics.append(GroupStatistics())
            keyStarts.append(0)
        }
        var keyNames = groupBy.map(\.description)
        if binWidth != nil { keyNames.append("bin") }
        return StatisticsReport(
            metric: metric,
            metricTypes: metricTypes,
            keyNames: keyNames,
            binWidth: binWidth,
            percentiles: percentiles,
            typeCounts: typeCounts,
            statistics: statistics,
            keyArena: keyArena,
            keyStarts: keyStarts,
            read: read
        )
    }
}
