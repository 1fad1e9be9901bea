/// A Parquet file could not be created, written, synced or closed.
public struct ParquetError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Open for new cases: switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The file could not be created (missing directory, no permission, already exists).
        public static let create = Code("create")
        /// A write, fsync or close failed (for example ENOSPC), or the writer had failed before.
        public static let io = Code("io")
        /// The compression library refused a page.
        public static let compression = Code("compression")

        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The file being written.
    public var path: String
    /// The `errno` of the failed system call, when there was one.
    public var errno: Int32?
    /// What went wrong, where, and what to do.
    public var message: String

    /// A failure of `code` on `path`, described by `message`.
    public init(code: Code, path: String, errno: Int32? = nil, message: String) {
        self.code = code
        self.path = path
        self.errno = errno
        self.message = message
    }

    public var description: String { message }
}
