/// A column of the metric table, as named in output, `--sort` and `--fail-if`.
public enum StatisticsColumn: Hashable, Sendable {
    case count, failures, errorRate, values, missing, nonNumeric, average, min
    case percentile(Double)
    case max, sum

    /// Every column of a report with `percentiles`, in output order.
    public static func all(percentiles: [Double]) -> [StatisticsColumn] {
        [.count, .failures, .errorRate, .values, .missing, .nonNumeric, .average, .min]
            + percentiles.map { .percentile($0) } + [.max, .sum]
    }

    /// The name: `count`, `failures`, `error_rate`, `values`, `missing`, `non_numeric`, `avg`, `min`,
    /// `p50` (`p99_9` for 99.9), `max`, `sum`.
    public var name: String {
        switch self {
        case .count: return "count"
        case .failures: return "failures"
        case .errorRate: return "error_rate"
        case .values: return "values"
        case .missing: return "missing"
        case .nonNumeric: return "non_numeric"
        case .average: return "avg"
        case .min: return "min"
        case .percentile(let p):
            if p == p.rounded() { return "p\(Int(p))" }
            return "p" + "\(p)".replacingDots()
        case .max: return "max"
        case .sum: return "sum"
        }
    }

    /// Whether the column is a count of events (an integer, never `null`).
    public var isCount: Bool {
        switch self {
        case .count, .failures, .values, .missing, .nonNumeric: return true
        default: return false
        }
    }

    /// The column's value for `statistics` (`nil`: no value, e.g. the average of no numbers).
    public func value(_ statistics: GroupStatistics) -> Double? {
        switch self {
        case .count: return Double(statistics.count)
        case .failures: return Double(statistics.failures)
        case .errorRate: return statistics.errorRate
        case .values: return Double(statistics.values)
        case .missing: return Double(statistics.missing)
        case .nonNumeric: return Double(statistics.nonNumeric)
        case .average: return statistics.average
        case .min: return statistics.min
        case .percentile(let p): return statistics.percentile(p)
        case .max: return statistics.max
        case .sum: return statistics.values == 0 ? nil : statistics.sum
        }
    }

    /// The relative change from `baseline` to `current`: `(current − baseline) / |baseline|`,
    /// `nil` when either is missing or the baseline is 0.
    public static func change(from baseline: Double?, to current: Double?) -> Double? {
        guard let baseline, let current, baseline != 0 else { return nil }
        return (current - baseline) / abs(baseline)
    }
}

extension String {
    fileprivate func replacingDots() -> String {
        String(map { $0 == "." ? "_" : $0 })
    }
}
