internal import RunraEvents
internal import RunraReplay

/// `custom`: sends `{"events":[…]}` with the events' lines embedded verbatim to any HTTP endpoint.
///
/// Retries connection errors, 429 and 5xx (honouring `Retry-After`); any other non-2xx status
/// refuses the batch for good and its events are returned as rejected with the server's message.
actor CustomExporter: EventExporter {
    nonisolated let id = "custom"
    /// Requests may be in flight for several batches at once (the engine keeps their results in order).
    nonisolated var maximumConcurrentExports: Int { networkExportsInFlight }

    nonisolated func prepareToRetry() { policy.budget?.reset() }

    /// The `config` keys.
    static let configurationKeys = [
        "endpoint", "headers", "method", "batchSize", "flushIntervalMs", "compression", "timeoutMs",
    ]

    struct Settings: Sendable {
        var endpoint: String
        var method: String
        var headers: [(name: String, value: String)]
        var batchSize: Int
        var compression: BodyCompression
        var timeout: Duration
    }

    private let makeTransport: @Sendable () -> any HTTPTransport
    private let policy: RetryPolicy
    private var settings: Settings?
    private var transport: (any HTTPTransport)?

    init(
        policy: RetryPolicy = .standard,
        transport: @escaping @Sendable () -> any HTTPTransport = { AsyncHTTPTransport() }
    ) {
        self.policy = policy.withOwnBudget()
        self.makeTransport = transport
    }

    static func settings(from configuration: ExporterConfiguration) throws -> Settings {
        guard let endpoint = try configuration.httpURL("endpoint", configuration.string("endpoint")) else {
            throw configuration.error(
                "endpoint",
                "the custom exporter needs an endpoint URL, e.g. \"https://example.com/events\""
            )
        }
        let method = try configuration.choice("method", of: ["POST", "PUT", "PATCH"], caseSensitive: false) ?? "POST"
        guard ["POST", "PUT", "PATCH"].contains(method) else {
            throw configuration.error("method", "expected POST, PUT or PATCH, got \(JSONText.quoted(method))")
        }
        return Settings(
            endpoint: endpoint,
            method: method,
            headers: try configuration.headers(),
            batchSize: try configuration.positiveInteger("batchSize", fallback: 100),
            compression: try BodyCompression.read(configuration, fallback: .none),
            timeout: .milliseconds(try configuration.positiveInteger("timeoutMs", fallback: 30_000))
        )
    }

    func initialize(configuration: ExporterConfiguration) async throws {
        settings = try Self.settings(from: configuration)
        transport = makeTransport()
    }

    func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome {
        guard let settings, let transport else { throw RunraError(.exporter, "custom: export before initialize") }
        let policy = self.policy
        return try await sendInChunks(events, chunkSize: settings.batchSize, concurrency: 4) { chunk in
            try await Self.send(chunk, settings: settings, transport: transport, policy: policy)
        }
    }

    /// The request body: `{"events":[line,line,…]}`, lines copied byte for byte.
    static func body(_ events: ArraySlice<RuntimeEvent>) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(events.reduce(16) { $0 + $1.line.count + 1 })
        body.append(contentsOf: #"{"events":["#.utf8)
        for (index, event) in events.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: event.line)
        }
        body.append(contentsOf: "]}".utf8)
        return body
    }

    static func send(
        _ events: ArraySlice<RuntimeEvent>,
        settings: Settings,
        transport: any HTTPTransport,
        policy: RetryPolicy
    ) async throws -> ExportOutcome {
        let (body, encoding) = try settings.compression.encode(Self.body(events))
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("User-Agent", networkUserAgent),
        ]
        if let encoding { headers.append(encoding) }
        headers = mergeHeaders(headers, settings.headers)
        let request = HTTPRequest(
            method: settings.method,
            url: settings.endpoint,
            headers: headers,
            body: body,
            timeout: settings.timeout
        )
        let delivery = try await deliver(request, exporter: "custom", transport: transport, policy: policy) {
            response in
            switch response.status {
            case 200..<300: return .success
            case 429, 500..<600:
                return .retry(
                    serverHintSeconds: RetryHints.retryAfter(response.header("Retry-After"), now: policy.now())
                )
            default: return .permanent
            }
        }
        var outcome = ExportOutcome(retries: delivery.retries, bytesSent: body.count * (delivery.retries + 1))
        if delivery.refused {
            let reason = "HTTP \(delivery.response.status): \(delivery.response.bodySummary)"
            outcome.rejected = events.map {
                RejectedEvent(event: $0, reason: reason, status: String(delivery.response.status))
            }
        }
        return outcome
    }

    func flush() async throws {}

    func dispose() async {
        await transport?.shutdown()
        transport = nil
    }
}

/// `defaults` with `overrides` applied: a configured header replaces a default of the same name.
func mergeHeaders(
    _ defaults: [(name: String, value: String)],
    _ overrides: [(name: String, value: String)]
) -> [(name: String, value: String)] {
    let overridden = Set(overrides.map { $0.name.lowercased() })
    return defaults.filter { !overridden.contains($0.name.lowercased()) } + overrides
}
