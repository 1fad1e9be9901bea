extension JSONPath {
    /// Parses a path as written in expressions: `type`, `data.a.b`, `data["odd key"]`,
    /// `data.items[0]`, `data.items[-1]` (a leading `.` is allowed, and so is a leading `["key"]`).
    ///
    /// Inverse of ``description``. Throws ``RunraError`` `.expressionSyntax` naming the column.
    public init(parsing text: String) throws {
        do {
            var parser = try ExpressionParser(text)
            self = try parser.parseStandalonePath()
        } catch {
            throw error.runraError(source: text)
        }
    }
}
