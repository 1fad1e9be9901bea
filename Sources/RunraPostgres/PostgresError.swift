/// A PostgreSQL failure: what kind (``code``), the server's SQLSTATE and message when the server sent one.
///
/// The description never contains a password: connection strings are shown masked
/// (``ConnectionString/masked(_:)``) and a known password is scrubbed from every message.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Open for new cases: switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The connection could not be made (host, credentials, SSL, bad connection string).
        public static let connectionFailed = Code("connectionFailed")
        /// The connection broke while in use.
        public static let connectionLost = Code("connectionLost")
        /// The server refused a statement.
        public static let statementFailed = Code("statementFailed")
        /// A `COPY … FROM STDIN` failed.
        public static let copyFailed = Code("copyFailed")

        public var description: String { name }
    }

    /// Well-known SQLSTATE values the loader acts on.
    public enum SQLState {
        /// `23505`: a unique or primary key constraint was violated.
        public static let uniqueViolation = "23505"
        /// `22P05`: a character that cannot be represented (jsonb `\u0000`).
        public static let untranslatableCharacter = "22P05"
        /// `42P01`: the table does not exist.
        public static let undefinedTable = "42P01"
    }

    /// What kind of failure this is.
    public var code: Code
    /// The five-character SQLSTATE when the server reported one (e.g. `23505`).
    public var sqlState: String?
    /// The server's (or libpq's) primary message, without the trailing newline.
    public var serverMessage: String
    /// The server's DETAIL line, if any.
    public var detail: String?
    /// The server's CONTEXT field, e.g. `COPY runra_stage, line 3, column timestamp: "…"`.
    public var serverContext: String?
    /// What the library was doing, e.g. `connecting to postgresql://u:***@db/app`.
    public var context: String

    /// A failure of kind `code` while doing `context`.
    public init(
        _ code: Code,
        context: String,
        serverMessage: String,
        sqlState: String? = nil,
        detail: String? = nil
    ) {
        self.code = code
        self.context = context
        self.serverMessage = serverMessage
        self.sqlState = sqlState
        self.detail = detail
    }

    /// The SQLSTATE class (its first two characters), e.g. `23` for integrity constraint violations.
    public var sqlStateClass: Substring? { sqlState.map { $0.prefix(2) } }

    public var description: String {
        var text = "PostgreSQL: \(context): \(serverMessage)"
        if let detail, !detail.isEmpty { text += " (\(detail))" }
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        return text
    }

    /// Replaces every occurrence of `password` in the messages with `***`.
    func scrubbing(_ password: String?) -> PostgresError {
        guard let password, password.count >= 3 else { return self }
        var copy = self
        copy.serverMessage = copy.serverMessage.replacingAll(password, with: "***")
        copy.context = copy.context.replacingAll(password, with: "***")
        copy.detail = copy.detail?.replacingAll(password, with: "***")
        return copy
    }
}

extension String {
    /// `self` with every occurrence of `target` replaced (no Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
