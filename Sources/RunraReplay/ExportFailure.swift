public import RunraEvents

/// What ``EventExporter/export(_:)`` throws when it gave up on a batch after sending requests again: why, and how
/// many it sent again, which the summary's `retried` counts as it does for a batch that got through. Any other
/// error counts no retries.
public struct ExportFailure: Error, Sendable, CustomStringConvertible {
    /// Why the exporter gave up.
    public var error: RunraError
    /// Requests sent again before it gave up.
    public var retries: Int

    /// A failure for `error` after `retries` requests sent again.
    public init(_ error: RunraError, retries: Int) {
        self.error = error
        self.retries = retries
    }

    public var description: String { error.message }

    /// The requests sent again before `error` (0 unless it is an ``ExportFailure``).
    public static func retries(of error: any Error) -> Int {
        (error as? ExportFailure)?.retries ?? 0
    }
}
