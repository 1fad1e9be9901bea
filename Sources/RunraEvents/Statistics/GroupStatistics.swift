/// What the metric table knows about one group: counts, failures and the metric's distribution.
///
/// `count` is every event of the group; `values + missing + nonNumeric == count`.
public struct GroupStatistics: Sendable {
    /// Events whose `data.exitCode` is a number other than 0.
    public internal(set) var failures = 0
    /// Events without the metric (the path is absent or `null`).
    public internal(set) var missing = 0
    /// Events whose metric is present but not a number (a string, a boolean, an object…).
    public internal(set) var nonNumeric = 0
    /// The sum of the numeric metric values.
    public internal(set) var sum = 0.0
    /// The distribution of the numeric metric values (exact count, min and max).
    public internal(set) var sketch = QuantileSketch()

    /// No events.
    public init() {}

    /// Events in the group.
    public var count: Int { values + missing + nonNumeric }

    /// How many events had a numeric metric.
    public var values: Int { sketch.count }
    /// `failures / count`, or `nil` when the group is empty.
    public var errorRate: Double? { count == 0 ? nil : Double(failures) / Double(count) }
    /// The mean of the numeric values, or `nil` when there are none.
    public var average: Double? { values == 0 ? nil : sum / Double(values) }
    /// The smallest numeric value.
    public var min: Double? { values == 0 ? nil : sketch.min }
    /// The largest numeric value.
    public var max: Double? { values == 0 ? nil : sketch.max }
    /// The estimated `p`-th percentile (`p` in 0…100).
    public func percentile(_ p: Double) -> Double? { sketch.quantile(p / 100) }

    @inline(__always)
    mutating func record(_ observation: StatisticsProcessor.Observation) {
        if observation.failed { failures += 1 }
        switch observation.metric {
        case .value(let value):
            sum += value
            sketch.add(value)
        case .missing: missing += 1
        case .nonNumeric: nonNumeric += 1
        }
    }

    /// Adds the counts and values of `other`.
    public mutating func merge(_ other: GroupStatistics) {
        failures += other.failures
        missing += other.missing
        nonNumeric += other.nonNumeric
        sum += other.sum
        sketch.merge(other.sketch)
    }
}
