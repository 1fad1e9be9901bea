public import RunraEvents

/// A destination for replayed events: Axiom, an OTLP backend, PostgreSQL, a JSONL file, the console…
///
/// Lifecycle, in order: ``initialize(configuration:)`` once, any number of ``export(_:)`` and
/// ``flush()`` calls, then exactly one ``dispose()``. The replay engine never calls one exporter
/// concurrently with itself, and batches according to the exporter's configuration, so
/// ``export(_:)`` should deliver the batch (retrying as its protocol demands) before it returns:
/// returning is the acknowledgement a checkpoint waits for. An exporter whose batches are durable only when
/// ``flush()`` returns (a file written under a temporary name and renamed when complete) says so with
/// ``acknowledgement``: the engine then holds its batches until a flush returns (see ``ExportAcknowledgement``).
/// Implementations with state are actors.
public protocol EventExporter: AnyObject, Sendable {
    /// The registry key, e.g. `"axiom"`. Lowercase and stable: it is configuration API.
    var id: String { get }

    /// Validates `configuration` and acquires resources (connections, files). Throw, don't trap.
    func initialize(configuration: ExporterConfiguration) async throws

    /// Delivers `events` in order. Events the destination refused for good are returned in the
    /// outcome (they are dead-lettered); throwing means the exporter gave up on the whole batch.
    func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome

    /// ``export(_:)``, told where the batch begins in the input. The engine calls this one; an exporter that
    /// names what it writes after the input (to write the same names again when a run restarts) implements it.
    func export(_ events: [RuntimeEvent], origin: BatchOrigin) async throws -> ExportOutcome

    /// When an exported batch counts as delivered: when ``export(_:)`` returns (the default), or only once a later
    /// ``flush()`` returns.
    var acknowledgement: ExportAcknowledgement { get }

    /// Makes everything exported so far durable or visible at the destination.
    func flush() async throws

    /// Releases resources. Called exactly once, also after a failure.
    func dispose() async

    /// How many ``export(_:)`` calls the engine may run at once (1 unless an exporter says more).
    ///
    /// Above 1, batches can reach the destination out of order and `export` must be safe to call
    /// concurrently; the engine still takes the results (dead letters, checkpoint) in batch order.
    /// Network exporters use 4, to keep requests in flight while others are being built.
    var maximumConcurrentExports: Int { get }

    /// The engine is about to send again a batch this exporter gave up on (`replay --follow` keeps trying):
    /// forget that the destination was taken to be down, and try it for real.
    func prepareToRetry()
}

extension EventExporter {
    /// One export at a time, in order.
    public var maximumConcurrentExports: Int { 1 }

    /// Nothing to forget.
    public func prepareToRetry() {}

    /// ``export(_:)``: the origin is not needed.
    public func export(_ events: [RuntimeEvent], origin: BatchOrigin) async throws -> ExportOutcome {
        try await export(events)
    }

    /// Delivered when ``export(_:)`` returns.
    public var acknowledgement: ExportAcknowledgement { .onExport }
}

/// When the engine takes a batch an exporter exported as delivered, which is when the checkpoint may pass it.
public enum ExportAcknowledgement: Sendable, Equatable {
    /// When ``EventExporter/export(_:)`` returns: network and database exporters, which deliver before returning.
    case onExport
    /// When a ``EventExporter/flush()`` after the export returns: an exporter that buffers batches into a file and
    /// makes it durable (and visible) only at `flush`.
    ///
    /// The rule, which ``ExporterConformance/checkHeldUntilFlush(make:configuration:readBack:)`` checks:
    /// - The engine exports one batch at a time and holds each until the next `flush` returns, then acknowledges
    ///   them all in order and writes the checkpoint before it exports another batch.
    /// - It flushes at the latest `interval` after the first batch it holds (so a quiet followed log still lands
    ///   within it), as soon as an outcome sets ``ExportOutcome/flushRequested``, and at the end.
    /// - Nothing of what it holds may become visible before `flush`. A `flush` that throws delivered none of the
    ///   held batches: with `--follow` the engine exports them again, in order and with the same
    ///   ``BatchOrigin``s, then flushes again, until a flush succeeds or the replay stops; otherwise it gives them up
    ///   (dead-lettered). So an exporter either discarded what it held, or writes the same names again.
    case onFlush(interval: Duration)
}

/// Where a batch begins in the input, the same in every run that reads that input: the first event's file
/// (by content fingerprint) and line. A run restarted from a checkpoint begins its first batch where the last
/// acknowledged one ended, so an exporter that names a file after the batch beginning it writes that name again
/// instead of a second copy.
public struct BatchOrigin: Sendable, Hashable, CustomStringConvertible {
    /// Letters, digits and `-` only (usable in a file name), e.g. `5f0e3a91c2d4b7e8-000000000412`.
    public var key: String

    /// An origin with `key`.
    public init(key: String) {
        self.key = key
    }

    public var description: String { key }
}

/// What one ``EventExporter/export(_:)`` call achieved.
public struct ExportOutcome: Sendable {
    /// Events the destination refused for good (a 4xx, an Axiom per-event failure, a row PostgreSQL refuses).
    public var rejected: [RejectedEvent]
    /// Events a backend reported as rejected without saying which (an OTLP `partial_success`).
    public var rejectedWithoutDetail: Int
    /// Requests sent again after a retryable failure.
    public var retries: Int
    /// Bytes sent on the wire (after compression), for the summary.
    public var bytesSent: Int
    /// An ``ExportAcknowledgement/onFlush(interval:)`` exporter holds enough (a file reached its size): flush now.
    public var flushRequested = false

    /// An outcome in which every event was accepted.
    public init(rejected: [RejectedEvent] = [], rejectedWithoutDetail: Int = 0, retries: Int = 0, bytesSent: Int = 0) {
        self.rejected = rejected
        self.rejectedWithoutDetail = rejectedWithoutDetail
        self.retries = retries
        self.bytesSent = bytesSent
    }

    /// Every event accepted, nothing retried.
    public static var accepted: ExportOutcome { ExportOutcome() }
}

/// An event a destination refused for good, and why.
public struct RejectedEvent: Sendable {
    /// The event, whose line is written verbatim to the dead-letter file.
    public var event: RuntimeEvent
    /// The destination's reason, e.g. the server's message.
    public var reason: String
    /// The HTTP status or SQLSTATE, when there is one.
    public var status: String?

    /// A rejection of `event` for `reason`.
    public init(event: RuntimeEvent, reason: String, status: String? = nil) {
        self.event = event
        self.reason = reason
        self.status = status
    }
}
