/// The library's error: a stable ``Code`` to branch on and a message for people.
///
/// Messages say what went wrong, where (file and line when there is one) and, when it is
/// obvious, how to fix it. They never contain secrets such as passwords or tokens.
public struct RunraError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Open for new cases: switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A command-line argument or option is wrong.
        public static let usage = Code("usage")
        /// An input line is not a runtime event (see SPEC §6), and `--strict` is on.
        public static let badLine = Code("badLine")
        /// A gzip stream is corrupt.
        public static let corruptCompressedData = Code("corruptCompressedData")
        /// A gzip stream ends before its end marker.
        public static let truncatedInput = Code("truncatedInput")
        /// A file could not be opened, read or written.
        public static let io = Code("io")
        /// An expression does not parse.
        public static let expressionSyntax = Code("expressionSyntax")
        /// A configuration value is missing or wrong.
        public static let configuration = Code("configuration")
        /// An exporter or a database failed.
        public static let exporter = Code("exporter")

        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, where, and how to fix it.
    public var message: String

    /// An error of kind `code` that says `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
