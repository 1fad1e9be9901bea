/// What loading one or more batches did.
public struct PGLoadReport: Sendable, Equatable {
    /// Rows that were new and are now in the table.
    public var inserted = 0
    /// Rows whose `id` was already in the table (or earlier in the same batch): skipped.
    public var duplicates = 0
    /// Rows the server refused, each with its message; the caller dead-letters them.
    public var rejected: [PGRejectedRow] = []

    /// A report with these counts.
    public init(inserted: Int = 0, duplicates: Int = 0, rejected: [PGRejectedRow] = []) {
        self.inserted = inserted
        self.duplicates = duplicates
        self.rejected = rejected
    }

    /// Adds `other`'s counts and rejections to this report.
    public mutating func add(_ other: PGLoadReport) {
        inserted += other.inserted
        duplicates += other.duplicates
        rejected += other.rejected
    }
}

/// A row the server refused even on its own.
public struct PGRejectedRow: Sendable, Equatable {
    /// Its position in the batch given to ``EventLoader/load(_:)``.
    public var index: Int
    /// The row.
    public var row: PGEventRow
    /// The server's message, e.g. `date/time field value out of range: "2026-13-45T00:00:00Z"`.
    public var message: String
    /// The server's SQLSTATE, e.g. `22008`.
    public var sqlState: String?
}
