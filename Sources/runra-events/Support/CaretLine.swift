import RunraEvents

/// Puts the caret of an expression error (`… at column N in: SOURCE` over a line ending in `^`) under column N
/// of SOURCE as printed, whatever came before the message on its line (`runra-events: error: `, the
/// configuration path of a condition), counting terminal columns (``DisplayWidth``).
enum CaretLine {
    /// `message` as printed after `prefix`, its caret line moved under the column it names.
    static func aligned(_ message: String, after prefix: String) -> String {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 2, let caret = lines[1].firstIndex(of: "^"),
            lines[1][..<caret].allSatisfy({ $0 == " " }), lines[1][caret...] == "^",
            let marker = columnMarker(in: lines[0])
        else { return message }
        let first = prefix + lines[0]
        let sourceStart = first.count - (lines[0].count - lines[0].distance(from: lines[0].startIndex, to: marker.end))
        let shown = first.dropFirst(sourceStart)
        // A short source is shown whole: column N is its Nth character. A long one is shown around the column, as
        // the caret line already says (its offset counted from the message's own start).
        var offset = marker.column - 1
        if shown.hasPrefix("…") {
            offset =
                lines[1].distance(from: lines[1].startIndex, to: caret)
                - lines[0].distance(from: lines[0].startIndex, to: marker.end)
        }
        guard offset >= 0, offset <= shown.count else { return message }
        let width = DisplayWidth.of(String(first.prefix(sourceStart + offset)))
        return lines[0] + "\n" + String(repeating: " ", count: width) + "^"
    }

    /// The first `at column N in: ` of `line`: N, and where the source starts after it.
    private static func columnMarker(in line: Substring) -> (column: Int, end: Substring.Index)? {
        let marker = " at column "
        for start in line.indices where line[start...].hasPrefix(marker) {
            let digits = line[line.index(start, offsetBy: marker.count)...].prefix { $0.isASCII && $0.isNumber }
            if let column = Int(digits), line[digits.endIndex...].hasPrefix(" in: ") {
                return (column, line.index(digits.endIndex, offsetBy: 5))
            }
        }
        return nil
    }
}
