/// The bucket counts of one sign of a ``QuantileSketch``: a dense array over the indices seen.
///
/// At most ``maximumBuckets`` buckets are kept. When the indices span more, every index below
/// `highest - maximumBuckets + 1` is counted in that lowest bucket. The result depends only on the
/// multiset of indices added, not on their order, so merging equals adding in one pass.
struct SketchBucketStore: Sendable {
    static let maximumBuckets = 4096

    /// The bucket index of `counts[0]`.
    private(set) var offset = 0
    private(set) var counts: [Int] = []
    private(set) var total = 0

    var isEmpty: Bool { total == 0 }
    var lowestIndex: Int { offset }
    var highestIndex: Int { offset + counts.count - 1 }

    /// Counts `count` values in bucket `index`.
    mutating func add(index: Int, count: Int = 1) {
        var index = index
        if counts.isEmpty {
            offset = index
            counts = [0]
        } else if index < offset || index > highestIndex {
            index = extend(low: Swift.min(index, offset), high: Swift.max(index, highestIndex), newIndex: index)
        }
        counts[index - offset] += count
        total += count
    }

    /// Adds every count of `other`.
    mutating func merge(_ other: SketchBucketStore) {
        guard !other.isEmpty else { return }
        if counts.isEmpty {
            self = other
            return
        }
        let low = Swift.min(offset, other.offset)
        let high = Swift.max(highestIndex, other.highestIndex)
        if low < offset || high > highestIndex { _ = extend(low: low, high: high, newIndex: high) }
        for (position, count) in other.counts.enumerated() where count > 0 {
            counts[Swift.max(other.offset + position, offset) - offset] += count
        }
        total += other.total
    }

    /// Resizes to cover `low...high` (collapsing the lowest buckets past the limit) and returns where
    /// `newIndex` is counted.
    private mutating func extend(low: Int, high: Int, newIndex: Int) -> Int {
        let floor = Swift.max(low, high - Self.maximumBuckets + 1)
        var resized = [Int](repeating: 0, count: high - floor + 1)
        for (position, count) in counts.enumerated() where count > 0 {
            resized[Swift.max(offset + position, floor) - floor] += count
        }
        counts = resized
        offset = floor
        return Swift.max(newIndex, floor)
    }

    /// The buckets with a nonzero count, lowest index first.
    func forEachBucket(ascending: Bool, _ body: (_ index: Int, _ count: Int) -> Bool) {
        if ascending {
            for position in counts.indices where counts[position] > 0 {
                if !body(offset + position, counts[position]) { return }
            }
        } else {
            for position in counts.indices.reversed() where counts[position] > 0 {
                if !body(offset + position, counts[position]) { return }
            }
        }
    }
}
