/// A syntax error at a byte offset of the source, turned into a ``RunraError`` that shows the column.
struct ExpressionSyntaxError: Error {
    var message: String
    /// Byte offset into the source's UTF-8 where the problem starts.
    var offset: Int

    init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// Characters shown on each side of the column when the source is long.
    private static let context = 60

    /// `<message> at column N in: <source>` and a caret line under the column.
    func runraError(source: String) -> RunraError {
        let bytes = Array(source.utf8)
        let clamped = min(max(offset, 0), bytes.count)
        let column = String(decoding: bytes[..<clamped], as: UTF8.self).count + 1
        // One line, so the caret lines up; control characters become spaces. Long sources show
        // a window around the column.
        let characters = source.map { $0.isNewline || $0 == "\t" ? " " : $0 }
        let windowStart = max(0, min(column - 1 - Self.context, characters.count - 2 * Self.context))
        let windowEnd = min(characters.count, windowStart + 2 * Self.context)
        let lead = windowStart > 0 ? "…" : ""
        let shown = lead + String(characters[windowStart..<windowEnd]) + (windowEnd < characters.count ? "…" : "")
        let prefix = "\(message) at column \(column) in: "
        let caret = String(repeating: " ", count: prefix.count + lead.count + column - 1 - windowStart) + "^"
        return RunraError(.expressionSyntax, prefix + shown + "\n" + caret)
    }
}
