extension JSONPath {
    /// Parses a path as written in expressions: `type`, `data.a.b`, `data["odd key"]`,
    /// `data.items[0]`, `data.items[-1]` (a leading `.` is allowed, and so is a leading `["key"]`).
    ///
    /// Inverse of ``description``. With `roots: .event`, a first name that is not a field of an event is refused with
    /// a suggestion. Throws ``RunraError`` `.expressionSyntax` naming the column.
    public init(parsing text: String, roots: PathRoots = .any) throws {
        do {
            var parser = try ExpressionParser(text, roots: roots)
            self = try parser.parseStandalonePath()
        } catch {
            throw error.runraError(source: text)
        }
    }
}
