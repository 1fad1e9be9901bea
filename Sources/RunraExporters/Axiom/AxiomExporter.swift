internal import Foundation
internal import RunraEvents
internal import RunraReplay

/// `axiom`: NDJSON of the events' raw lines to Axiom's ingest API (PROTOCOLS §1).
///
/// Retries connection errors, 5xx and 429/430 (waiting for `X-RateLimit-Reset`, bounded by the
/// retry policy); 400/401/403 and any other 4xx refuse the batch for good. A 200 whose `failed` > 0
/// rejects the events whose timestamps match the `failures` entries (SPEC §9).
actor AxiomExporter: EventExporter {
    nonisolated let id = "axiom"
    /// Requests may be in flight for several batches at once (the engine keeps their results in order).
    nonisolated var maximumConcurrentExports: Int { networkExportsInFlight }

    nonisolated func prepareToRetry() { policy.budget?.reset() }

    private let makeTransport: @Sendable () -> any HTTPTransport
    private let policy: RetryPolicy
    private var settings: AxiomSettings?
    private var transport: (any HTTPTransport)?

    init(
        policy: RetryPolicy = .standard,
        transport: @escaping @Sendable () -> any HTTPTransport = { AsyncHTTPTransport() }
    ) {
        self.policy = policy.withOwnBudget()
        self.makeTransport = transport
    }

    func initialize(configuration: ExporterConfiguration) async throws {
        settings = try AxiomSettings(configuration)
        transport = makeTransport()
    }

    func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome {
        guard let settings, let transport else { throw RunraError(.exporter, "axiom: export before initialize") }
        let policy = self.policy
        return try await sendInChunks(events, chunkSize: settings.batchSize, concurrency: 4) { chunk in
            try await Self.send(chunk, settings: settings, transport: transport, policy: policy)
        }
    }

    /// NDJSON: each line verbatim, each followed by `\n`.
    static func body(_ events: ArraySlice<RuntimeEvent>) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(events.reduce(0) { $0 + $1.line.count + 1 })
        for event in events {
            body.append(contentsOf: event.line)
            body.append(UInt8(ascii: "\n"))
        }
        return body
    }

    static func classify(_ response: HTTPResponse, now: Double) -> ResponseVerdict {
        switch response.status {
        case 200..<300: return .success
        case 429, 430:
            let hint =
                RetryHints.rateLimitReset(response.header("X-RateLimit-Reset"), now: now)
                ?? RetryHints.retryAfter(response.header("Retry-After"), now: now)
            return .retry(serverHintSeconds: hint)
        case 500..<600:
            return .retry(serverHintSeconds: RetryHints.retryAfter(response.header("Retry-After"), now: now))
        default: return .permanent
        }
    }

    static func send(
        _ events: ArraySlice<RuntimeEvent>,
        settings: AxiomSettings,
        transport: any HTTPTransport,
        policy: RetryPolicy
    ) async throws -> ExportOutcome {
        let (body, _) = try settings.compression.encode(Self.body(events))
        let request = HTTPRequest(
            method: "POST",
            url: settings.ingestURL,
            headers: settings.headers,
            body: body,
            timeout: settings.timeout
        )
        let delivery = try await deliver(request, exporter: "axiom", transport: transport, policy: policy) {
            classify($0, now: policy.now())
        }
        var outcome = ExportOutcome(retries: delivery.retries, bytesSent: body.count * (delivery.retries + 1))
        let response = delivery.response
        if delivery.refused {
            let reason = "Axiom refused the batch: HTTP \(response.status) \(Self.message(response))"
            outcome.rejected = events.map { RejectedEvent(event: $0, reason: reason, status: String(response.status)) }
            return outcome
        }
        if let status = IngestStatus(response.body), status.failed > 0 {
            let (rejected, unmatched) = status.match(events)
            outcome.rejected = rejected
            outcome.rejectedWithoutDetail = unmatched
        }
        return outcome
    }

    /// The `message` of an Axiom error body, or the body itself.
    static func message(_ response: HTTPResponse) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let message = object["message"] as? String
        {
            return message
        }
        return response.bodySummary
    }

    func flush() async throws {}

    func dispose() async {
        await transport?.shutdown()
        transport = nil
    }
}

/// Axiom's ingest status: `{"ingested","failed","failures":[{"timestamp","error"}],…}`.
struct IngestStatus {
    var failed: Int
    var failures: [(timestamp: String, error: String)]

    init?(_ body: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        failed = (object["failed"] as? NSNumber)?.intValue ?? 0
        failures = ((object["failures"] as? [[String: Any]]) ?? []).map {
            (($0["timestamp"] as? String) ?? "", ($0["error"] as? String) ?? "")
        }
    }

    /// Pairs each failure with an event of the batch by timestamp (SPEC §9).
    ///
    /// A failure names only a timestamp, so: an event whose `timestamp` text equals it, else one
    /// whose time is the same instant (Axiom may reformat it); each event matches at most once,
    /// the earliest in the batch first. Failures beyond the entries, or that match no event,
    /// are counted without detail.
    func match(_ events: ArraySlice<RuntimeEvent>) -> (rejected: [RejectedEvent], unmatched: Int) {
        let timestampPath = JSONPath(keys: "timestamp")
        let texts = events.map { $0.value(at: timestampPath)?.stringValue }
        var used = Set<Int>()
        var rejected: [RejectedEvent] = []
        for failure in failures {
            let instant = Timestamp(rfc3339: failure.timestamp)
            let exact = texts.indices.first { !used.contains($0) && texts[$0] == failure.timestamp }
            let same =
                exact
                ?? instant.flatMap { instant in
                    texts.indices.first { !used.contains($0) && texts[$0].flatMap(Timestamp.init(rfc3339:)) == instant }
                }
            guard let index = same else { continue }
            used.insert(index)
            let event = events[events.startIndex + index]
            rejected.append(RejectedEvent(event: event, reason: "Axiom: \(failure.error)", status: "200"))
        }
        return (rejected, max(0, failed - rejected.count))
    }
}
