#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mergeable quantile sketch whose estimates are within ``relativeAccuracy`` (0.5 %) of the true value.
///
/// The method is DDSketch's (Masson, Rim and Lee, VLDB 2019). Up to ``exactCapacity`` values are kept
/// as they are, so small groups get exact quantiles. Past that, a nonzero value `x` is counted in the
/// logarithmic bucket `i = ⌈log_γ |x|⌉`, `γ = (1 + α) / (1 − α)`, which holds the values in
/// `(γ^(i−1), γ^i]`; a bucket is reported as `2γ^i / (γ + 1)`, within `α` of every value in it. Zero is
/// counted on its own. Memory is at most 4096 buckets per sign, whatever the number of values; if the
/// values of one sign span more than a factor of `γ^4096` (about 10^17), the smallest ones share a bucket.
///
/// Quantiles use the nearest-rank definition: `quantile(q)` estimates the value of rank `⌈q·n⌉` (1-based)
/// in sorted order, and is clamped to the exact ``min`` and ``max``. Merging two sketches gives the same
/// sketch as adding all their values to one.
public struct QuantileSketch: Sendable {
    /// The bound on the relative error of a quantile: `|estimate − true| ≤ 0.005 · |true|`.
    public static let relativeAccuracy = 0.005
    /// How many values are kept exactly before the sketch switches to buckets.
    public static let exactCapacity = 64

    static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    static let inverseLogGamma = 1 / log(gamma)

    /// How many values were added.
    public private(set) var count = 0
    /// The smallest value added (exact); `nan` when empty.
    public private(set) var min = Double.nan
    /// The largest value added (exact); `nan` when empty.
    public private(set) var max = Double.nan
    /// Nothing while `count <= 2` (the values are min and max); then the values while there are at most
    /// `exactCapacity`; then buckets. One reference, so an empty or tiny sketch costs 32 bytes.
    private var storage = Storage.none

    private enum Storage {
        case none
        case exact([Double])
        case buckets(Buckets)
    }

    /// An empty sketch.
    public init() {}

    /// Adds one finite value.
    public mutating func add(_ value: Double) {
        count += 1
        if count == 1 {
            min = value
            max = value
            return
        }
        let previousMin = min
        let previousMax = max
        if value < min { min = value }
        if value > max { max = value }
        switch storage {
        case .buckets:
            uniqueBuckets().add(value)
        case .exact(var values):
            storage = .none  // so that `values` is uniquely referenced and grows in place
            values.append(value)
            if values.count > Self.exactCapacity {
                let buckets = Buckets()
                for value in values { buckets.add(value) }
                storage = .buckets(buckets)
            } else {
                storage = .exact(values)
            }
        case .none:
            if count == 3 { storage = .exact([previousMin, previousMax, value]) }
        }
    }

    /// Adds every value of `other`.
    public mutating func merge(_ other: QuantileSketch) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        guard case .buckets(let otherBuckets) = other.storage else {
            for value in other.exactValues { add(value) }
            return
        }
        guard case .buckets = storage else {
            let mine = exactValues
            self = other
            for value in mine { add(value) }
            return
        }
        count += other.count
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        uniqueBuckets().merge(otherBuckets)
    }

    /// The estimated `q`-quantile (`q` in 0…1, e.g. 0.95), or `nil` when the sketch is empty.
    public func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let clampedQ = Swift.min(Swift.max(q, 0), 1)
        // Tolerate floating-point noise in q·n (0.95 · 100 must be rank 95, not 96).
        let rank = Swift.min(Swift.max(Int((clampedQ * Double(count) - 1e-7).rounded(.up)), 1), count)
        return value(atRank: rank)
    }

    /// The estimated value of 1-based `rank` in sorted order.
    func value(atRank rank: Int) -> Double {
        if rank <= 1 { return min }
        if rank >= count { return max }
        guard case .buckets(let buckets) = storage else { return exactValues.sorted()[rank - 1] }
        return Swift.min(Swift.max(buckets.value(atRank: rank), min), max)
    }

    /// The values while the sketch is exact.
    private var exactValues: [Double] {
        switch count {
        case 0: return []
        case 1: return [min]
        case 2: return [min, max]
        default:
            if case .exact(let values) = storage { return values }
            return []
        }
    }

    /// The buckets, copied first when another sketch shares them (value semantics).
    private mutating func uniqueBuckets() -> Buckets {
        guard case .buckets(var buckets) = storage else { preconditionFailure("not bucketed") }
        storage = .none
        if !isKnownUniquelyReferenced(&buckets) { buckets = buckets.copy() }
        storage = .buckets(buckets)
        return buckets
    }

    /// The bucketed form: positive and negative magnitudes, and zeros.
    private final class Buckets: @unchecked Sendable {
        var positive = SketchBucketStore()
        var negative = SketchBucketStore()
        var zeros = 0

        func copy() -> Buckets {
            let copy = Buckets()
            copy.positive = positive
            copy.negative = negative
            copy.zeros = zeros
            return copy
        }

        @inline(__always)
        static func index(_ magnitude: Double) -> Int {
            Int((log(magnitude) * QuantileSketch.inverseLogGamma).rounded(.up))
        }

        static func estimate(_ index: Int) -> Double {
            2 * pow(QuantileSketch.gamma, Double(index)) / (QuantileSketch.gamma + 1)
        }

        func add(_ value: Double) {
            if value > 0 {
                positive.add(index: Self.index(value))
            } else if value < 0 {
                negative.add(index: Self.index(-value))
            } else {
                zeros += 1
            }
        }

        func merge(_ other: Buckets) {
            positive.merge(other.positive)
            negative.merge(other.negative)
            zeros += other.zeros
        }

        func value(atRank rank: Int) -> Double {
            var seen = 0
            var result: Double?
            negative.forEachBucket(ascending: false) { index, count in
                seen += count
                if seen >= rank { result = -Self.estimate(index) }
                return result == nil
            }
            if let result { return result }
            seen += zeros
            if seen >= rank { return 0 }
            positive.forEachBucket(ascending: true) { index, count in
                seen += count
                if seen >= rank { result = Self.estimate(index) }
                return result == nil
            }
            return result ?? 0
        }
    }
}
