import Foundation
import Testing

@testable import RunraEvents

/// A small seeded generator (SplitMix64), so the data is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal variate (Box–Muller).
    mutating func normal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

@Suite struct QuantileSketchTests {
    static let quantiles: [Double] = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]

    /// The value of nearest rank ⌈q·n⌉ in sorted order: what the sketch estimates.
    static func exactQuantile(_ sorted: [Double], _ q: Double) -> Double {
        let rank = min(max(Int((q * Double(sorted.count) - 1e-7).rounded(.up)), 1), sorted.count)
        return sorted[rank - 1]
    }

    static func checkAccuracy(_ values: [Double]) {
        var sketch = QuantileSketch()
        for value in values { sketch.add(value) }
        let sorted = values.sorted()
        #expect(sketch.count == values.count)
        #expect(sketch.min == sorted.first)
        #expect(sketch.max == sorted.last)
        for q in quantiles {
            let exact = exactQuantile(sorted, q)
            let estimate = sketch.quantile(q)!
            let error = exact == 0 ? abs(estimate) : abs(estimate - exact) / abs(exact)
            #expect(error <= QuantileSketch.relativeAccuracy + 1e-9, "q=\(q) exact=\(exact) estimate=\(estimate)")
        }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func lognormalWithinBound(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let values = (0..<50_000).map { _ in exp(5 + 1.5 * random.normal()) }
        Self.checkAccuracy(values)
    }

    @Test(arguments: [UInt64(4), 5])
    func uniformWithinBound(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let values = (0..<50_000).map { _ in Double.random(in: 1..<100_000, using: &random) }
        Self.checkAccuracy(values)
    }

    @Test func integerDurationsWithZerosAndNegativesWithinBound() {
        var random = SeededGenerator(seed: 9)
        let values = (0..<20_000).map { _ -> Double in
            let r = Double.random(in: 0..<1, using: &random)
            if r < 0.05 { return 0 }
            if r < 0.1 { return -Double(Int.random(in: 1...500, using: &random)) }
            return Double(Int(exp(4 + random.normal())))
        }
        Self.checkAccuracy(values)
    }

    @Test func smallSetsAreExact() {
        var random = SeededGenerator(seed: 11)
        for count in [1, 2, 3, 17, QuantileSketch.exactCapacity] {
            let values = (0..<count).map { _ in Double.random(in: -10..<1000, using: &random) }
            var sketch = QuantileSketch()
            for value in values { sketch.add(value) }
            let sorted = values.sorted()
            for q in Self.quantiles { #expect(sketch.quantile(q) == Self.exactQuantile(sorted, q)) }
        }
    }

    @Test func emptySketchHasNoQuantiles() {
        let sketch = QuantileSketch()
        #expect(sketch.count == 0)
        #expect(sketch.quantile(0.5) == nil)
    }

    @Test(arguments: [2, 7, 64])
    func mergeEqualsSinglePass(parts: Int) {
        var random = SeededGenerator(seed: UInt64(parts))
        // Mixed sizes: some parts stay exact (≤ 64 values), some are bucketed.
        let values = (0..<10_000).map { _ in exp(3 + 2 * random.normal()) * (random.next() % 10 == 0 ? -1 : 1) }
        var single = QuantileSketch()
        for value in values { single.add(value) }
        var pieces = [QuantileSketch](repeating: QuantileSketch(), count: parts)
        for value in values { pieces[Int(random.next() % UInt64(parts))].add(value) }
        var merged = QuantileSketch()
        for piece in pieces { merged.merge(piece) }
        // Merging in the other direction too.
        var reversed = QuantileSketch()
        for piece in pieces.reversed() { reversed.merge(piece) }
        #expect(merged.count == single.count)
        #expect(merged.min == single.min)
        #expect(merged.max == single.max)
        for q in stride(from: 0.0, through: 1.0, by: 0.01) {
            #expect(merged.quantile(q) == single.quantile(q), "q=\(q)")
            #expect(reversed.quantile(q) == single.quantile(q), "q=\(q)")
        }
    }

    @Test func mergeKeepsValueSemantics() {
        var a = QuantileSketch()
        for value in 1...100 { a.add(Double(value)) }
        let copy = a
        var b = QuantileSketch()
        for value in 1000...1100 { b.add(Double(value)) }
        a.merge(b)
        #expect(copy.count == 100)
        #expect(copy.quantile(1) == 100)
        #expect(a.count == 201)
    }

    @Test func bucketsStayBoundedOverAHugeRange() {
        var store = SketchBucketStore()
        for exponent in stride(from: -300, through: 300, by: 1) {
            store.add(index: QuantileSketchTests.index(pow(10, Double(exponent))))
        }
        #expect(store.highestIndex - store.lowestIndex + 1 <= SketchBucketStore.maximumBuckets)
        #expect(store.total == 601)
        // The largest values keep their accuracy when the smallest are collapsed.
        var sketch = QuantileSketch()
        for exponent in stride(from: -300, through: 300, by: 1) { sketch.add(pow(10, Double(exponent))) }
        let p99 = sketch.quantile(0.99)!
        let exact = pow(10, 294.0)
        #expect(abs(p99 - exact) / exact <= QuantileSketch.relativeAccuracy + 1e-9)
    }

    static func index(_ value: Double) -> Int {
        Int((log(value) * QuantileSketch.inverseLogGamma).rounded(.up))
    }
}
