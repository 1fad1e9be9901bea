/// Per-thread `stats` work on one chunk: count types, and add metric events to their groups.
struct StatisticsProcessor: EventProcessor {
    /// One chunk's partial aggregates, merged in input order by ``EventStatistics``.
    struct Output {
        var types: ByteKeyTable<Int>
        var groups: ByteKeyTable<GroupStatistics>
    }

    let selection: EventSelection
    let selectsEverything: Bool
    /// With `-t`, the metric table is over every selected event; without, over `exec.completed`.
    let metricOverAllSelected: Bool
    let metric: JSONPath
    /// `data.<key>` metrics are found in the same walk of `data` as `exitCode`.
    let metricDataKey: [UInt8]?
    let groupPaths: [JSONPath]
    let binWidth: Int64?
    let isGrouped: Bool
    let dataMemberKeys: DataMemberKeys?
    var types = ByteKeyTable<Int>()
    var groups = ByteKeyTable<GroupStatistics>()
    private var key: [UInt8] = []

    init(statistics: EventStatistics) {
        selection = statistics.selection.copiedForOneThread()
        selectsEverything = statistics.selection.selectsEverything
        metricOverAllSelected = !statistics.selection.types.isEmpty
        metric = statistics.metric
        groupPaths = statistics.groupBy
        binWidth = statistics.binWidth
        isGrouped = !groupPaths.isEmpty || binWidth != nil
        if statistics.metric.components.count == 2, statistics.metric.components[0] == .key("data"),
            case .key(let name) = statistics.metric.components[1]
        {
            metricDataKey = Array(name.utf8)
        } else {
            metricDataKey = nil
        }
        // Only what every line is matched on: the metric and the groups are read on metric events alone (by default
        // exec.completed, a sixth of a log), and walking their `data` costs less than recording every line's.
        dataMemberKeys = DataMemberKeys(statistics.selection.dataKeysRead)
        key.reserveCapacity(256)
    }

    mutating func process(_ event: EventLine) {
        guard selectsEverything || selection.matches(event) else { return }
        let isMetricEvent: Bool
        if let plain = event.plainType {
            let raw = UnsafeRawBufferPointer(plain)
            let index = types.index(of: raw, hash: ByteKeyTable<Int>.hash(raw)) { 0 }
            types.values[index] += 1
            isMetricEvent = metricOverAllSelected || Glob.equals(plain, "exec.completed")
        } else {
            var type = event.type
            isMetricEvent = metricOverAllSelected || type == "exec.completed"
            type.withUTF8 { bytes in
                let raw = UnsafeRawBufferPointer(bytes)
                let index = types.index(of: raw, hash: ByteKeyTable<Int>.hash(raw)) { 0 }
                types.values[index] += 1
            }
        }
        guard isMetricEvent else { return }
        let index: Int
        if isGrouped {
            key.removeAll(keepingCapacity: true)
            for path in groupPaths { GroupKey.appendValue(event, event.span(at: path), to: &key) }
            if let binWidth { GroupKey.appendBin(event.timestamp, width: binWidth, to: &key) }
            index = key.withUnsafeBytes {
                groups.index(of: $0, hash: ByteKeyTable<GroupStatistics>.hash($0)) { GroupStatistics() }
            }
        } else {
            index = groups.count == 0 ? Self.insertEmptyKey(&groups) : 0
        }
        let observation = observe(event)
        groups.values[index].record(observation)
    }

    private static func insertEmptyKey(_ groups: inout ByteKeyTable<GroupStatistics>) -> Int {
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        return groups.index(of: empty, hash: ByteKeyTable<GroupStatistics>.hash(empty)) { GroupStatistics() }
    }

    /// What one metric event adds to its group.
    struct Observation {
        enum Metric {
            case value(Double)
            case missing, nonNumeric
        }
        var failed: Bool
        var metric: Metric
    }

    /// Reads the exit code and the metric. Kept apart from the update of the group, so that reading
    /// `self` does not overlap the in-place modification of `groups` (which would copy the processor).
    @inline(__always)
    private func observe(_ event: EventLine) -> Observation {
        let exitCode: Double?
        let metricSpan: Span?
        if let metricDataKey {
            (exitCode, metricSpan) = metricDataKey.withUnsafeBufferPointer {
                MetricFields.find(in: event, metricKey: $0)
            }
        } else {
            exitCode = event.exitCode
            metricSpan = event.span(at: metric)
        }
        let failed = exitCode.map { $0 != 0 } ?? false
        guard let span = metricSpan else { return Observation(failed: failed, metric: .missing) }
        let first = event.bytes[span.start]
        if first == UInt8(ascii: "-") || first &- UInt8(ascii: "0") < 10 {
            let value = JSONDecoding.number(UnsafeBufferPointer(rebasing: event.bytes[span.start..<span.end]))
            return Observation(failed: failed, metric: value.isFinite ? .value(value) : .nonNumeric)
        }
        return Observation(failed: failed, metric: first == UInt8(ascii: "n") ? .missing : .nonNumeric)
    }

    mutating func finishChunk() -> Output {
        defer {
            types = ByteKeyTable()
            groups = ByteKeyTable()
        }
        return Output(types: types, groups: groups)
    }
}
