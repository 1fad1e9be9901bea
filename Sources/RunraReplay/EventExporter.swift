public import RunraEvents

/// A destination for replayed events: Axiom, an OTLP backend, PostgreSQL, a JSONL file, the console…
///
/// Lifecycle, in order: ``initialize(configuration:)`` once, any number of ``export(_:)`` and
/// ``flush()`` calls, then exactly one ``dispose()``. The replay engine never calls one exporter
/// concurrently with itself, and batches according to the exporter's configuration, so
/// ``export(_:)`` should deliver the batch (retrying as its protocol demands) before it returns:
/// returning is the acknowledgement a checkpoint waits for. Implementations with state are actors.
public protocol EventExporter: AnyObject, Sendable {
    /// The registry key, e.g. `"axiom"`. Lowercase and stable: it is configuration API.
    var id: String { get }

    /// Validates `configuration` and acquires resources (connections, files). Throw, don't trap.
    func initialize(configuration: ExporterConfiguration) async throws

    /// Delivers `events` in order. Events the destination refused for good are returned in the
    /// outcome (they are dead-lettered); throwing means the exporter gave up on the whole batch.
    func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome

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
