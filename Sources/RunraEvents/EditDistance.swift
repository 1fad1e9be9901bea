/// "Did you mean …?": the nearest of some names to a misspelt one, by edit distance, case-insensitive.
package enum EditDistance {
    /// The candidate nearest to `word` when it is near enough to be a typo: at most a third of the shorter name's
    /// length apart, and never less than `smallestLimit` (the first of equally near candidates wins).
    package static func nearest(to word: String, in candidates: [String], smallestLimit: Int) -> String? {
        let lowered = Array(word.lowercased())
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = between(lowered, Array(candidate.lowercased()))
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let limit = max(smallestLimit, min(word.count, best.candidate.count) / 3)
        return best.distance <= limit ? best.candidate : nil
    }

    /// The Levenshtein distance between `a` and `b`.
    package static func between(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
