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
    let metricDataKey: String?
    let groupPaths: [JSONPath]
    let binWidth: Int64?
    let isGrouped: Bool
    var types = ByteKeyTable<Int>()
    var groups = ByteKeyTable<GroupStatistics>()
    private var key: [UInt8] = []

    init(statistics: EventStatistics) {
        selection = statistics.selection
        selectsEverything = statistics.selection.selectsEverything
        metricOverAllSelected = !statistics.selection.types.isEmpty
        metric = statistics.metric
        groupPaths = statistics.groupBy
        binWidth = statistics.binWidth
        isGrouped = !groupPaths.isEmpty || binWidth != nil
        if statistics.metric.components.count == 2, statistics.metric.components[0] == .key("data"),
            case .key(let name) = statistics.metric.components[1]
        {
            metricDataKey = name
        } else {
            metricDataKey = nil
        }
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
            index = key.withUnsafeBytes { groups.index(of: $0, hash: ByteKeyTable<GroupStatistics>.hash($0)) { GroupStatistics() } }
        } else {
            index = groups.count == 0 ? Self.insertEmptyKey(&groups) : 0
        }
        add(event, to: &groups.values[index])
    }

    private static func insertEmptyKey(_ groups: inout ByteKeyTable<GroupStatistics>) -> Int {
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        return groups.index(of: empty, hash: ByteKeyTable<GroupStatistics>.hash(empty)) { GroupStatistics() }
    }

    @inline(__always)
    private func add(_ event: EventLine, to statistics: inout GroupStatistics) {
        statistics.count += 1
        let metricSpan: Span?
        if let metricDataKey {
            let found = MetricFields.find(in: event, metricKey: metricDataKey)
            if let exitCode = found.exitCode, exitCode != 0 { statistics.failures += 1 }
            metricSpan = found.metric
        } else {
            if let exitCode = event.exitCode, exitCode != 0 { statistics.failures += 1 }
            metricSpan = event.span(at: metric)
        }
        guard let span = metricSpan else {
            statistics.missing += 1
            return
        }
        let first = event.bytes[span.start]
        if first == UInt8(ascii: "-") || first &- UInt8(ascii: "0") < 10 {
            let value = JSONDecoding.number(UnsafeBufferPointer(rebasing: event.bytes[span.start..<span.end]))
            if value.isFinite {
                statistics.addValue(value)
            } else {
                statistics.nonNumeric += 1
            }
        } else if first == UInt8(ascii: "n") {
            statistics.missing += 1
        } else {
            statistics.nonNumeric += 1
        }
    }

    mutating func finishChunk() -> Output {
        defer {
            types = ByteKeyTable()
            groups = ByteKeyTable()
        }
        return Output(types: types, groups: groups)
    }
}
