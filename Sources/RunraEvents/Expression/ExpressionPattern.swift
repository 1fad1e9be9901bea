/// The compiled right side of `=~`: a regular expression searched anywhere in a string.
///
/// Patterns without metacharacters, optionally anchored (`"timeout"`, `"^npm "`, `"--ci$"`), skip
/// the regex engine and become a byte search, prefix test, suffix test or equality.
struct ExpressionPattern: @unchecked Sendable {
    // @unchecked: `Regex` holds its compiled program in a class that it initializes thread-safely;
    // the value is never mutated after init.
    private enum Matcher {
        case substring(String)
        case prefix(String)
        case suffix(String)
        case whole(String)
        case regex(Regex<AnyRegexOutput>)
    }

    private let matcher: Matcher

    /// Compiles `pattern`; throws the regex engine's complaint.
    init(_ pattern: String) throws {
        var body = Substring(pattern)
        let anchoredStart = body.first == "^"
        if anchoredStart { body = body.dropFirst() }
        let anchoredEnd = body.last == "$"
        if anchoredEnd { body = body.dropLast() }
        let isLiteral = !body.unicodeScalars.contains { "\\^$.|?*+()[]{}".unicodeScalars.contains($0) }
        if isLiteral {
            let text = String(body)
            switch (anchoredStart, anchoredEnd) {
            case (false, false): matcher = .substring(text)
            case (true, false): matcher = .prefix(text)
            case (false, true): matcher = .suffix(text)
            case (true, true): matcher = .whole(text)
            }
        } else {
            matcher = .regex(try Regex(pattern).matchingSemantics(.unicodeScalar))
        }
    }

    func matches(_ text: String) -> Bool {
        switch matcher {
        case .substring(let needle): return ExpressionValues.containsBytes(text, needle)
        case .prefix(let start): return ExpressionValues.hasPrefix(text, start)
        case .suffix(let end): return ExpressionValues.hasSuffix(text, end)
        case .whole(let whole): return ExpressionValues.sameScalars(text, whole)
        case .regex(let regex): return text.contains(regex)
        }
    }
}
