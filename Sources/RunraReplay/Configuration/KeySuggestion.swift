import RunraEvents

/// "Did you mean …?" for misspelt configuration keys and provider names.
enum KeySuggestion {
    /// The candidate nearest to `word` by edit distance (case-insensitive), when it is near enough to be a typo.
    static func nearest(to word: String, in candidates: [String]) -> String? {
        EditDistance.nearest(to: word, in: candidates, smallestLimit: 2)
    }

    /// ` (did you mean X?)` or an empty string.
    static func hint(for word: String, in candidates: [String]) -> String {
        nearest(to: word, in: candidates).map { " (did you mean \($0)?)" } ?? ""
    }
}
