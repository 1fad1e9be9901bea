internal import Foundation
internal import RunraEvents
internal import RunraReplay

/// `otel`: OTLP traces and logs by SPEC §7's mapping, over HTTP (`http/protobuf`, `http/json`) or gRPC.
///
/// The seven span types become spans under their run's `runra.run` root span; every other event
/// becomes a log record in the run's trace. The root spans go out from ``flush()`` (the engine's
/// end-of-replay call). Retries exactly 429/502/503/504 (honouring `Retry-After`), or with gRPC the
/// retryable codes of the OTLP specification (honouring `RetryInfo`), and connection errors; other
/// statuses refuse the request for good; a success with `partial_success` is not retried and its
/// count is reported as rejected without detail.
actor OTLPExporter: EventExporter {
    nonisolated let id = "otel"
    /// Requests may be in flight for several batches at once (the engine keeps their results in order).
    nonisolated var maximumConcurrentExports: Int { networkExportsInFlight }

    nonisolated func prepareToRetry() { policy.budget?.reset() }

    private let makeTransport: (@Sendable () -> any HTTPTransport)?
    private let policy: RetryPolicy
    private var settings: OTLPSettings?
    private var transport: (any HTTPTransport)?
    /// Shared with the concurrent sends, which record the runs of their events.
    private let runs = SharedRunTracker()

    init(
        policy: RetryPolicy = .standard,
        transport: (@Sendable () -> any HTTPTransport)? = nil
    ) {
        self.policy = policy.withOwnBudget()
        self.makeTransport = transport
    }

    func initialize(configuration: ExporterConfiguration) async throws {
        let settings = try OTLPSettings(configuration)
        self.settings = settings
        transport =
            makeTransport?()
            ?? (settings.format == .grpc
                ? HTTP2Transport(trustRootsFile: settings.trustRootsFile)
                : AsyncHTTPTransport(trustRootsFile: settings.trustRootsFile))
    }

    func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome {
        guard let settings, let transport else { throw RunraError(.exporter, "otel: export before initialize") }
        let policy = self.policy
        let observed = UInt64(Date().timeIntervalSince1970 * 1e9)
        let runs = self.runs
        return try await sendInChunks(events, chunkSize: settings.batchSize, concurrency: 4) { chunk in
            try await Self.send(
                chunk,
                observed: observed,
                settings: settings,
                transport: transport,
                policy: policy,
                runs: runs
            )
        }
    }

    /// Maps one chunk and sends its spans and its log records, concurrently.
    static func send(
        _ events: ArraySlice<RuntimeEvent>,
        observed: UInt64,
        settings: OTLPSettings,
        transport: any HTTPTransport,
        policy: RetryPolicy,
        runs tracker: SharedRunTracker
    ) async throws -> ExportOutcome {
        let chunk = MappedChunk(events, observed: observed, settings: settings)
        tracker.record(chunk.bounds)
        let tracesPayload =
            chunk.spanEvents.isEmpty
            ? nil
            : chunk.encoder.map { OTLPProtobufEncoding.request(items: $0.spans, source: settings.source) }
                ?? encode(spans: chunk.spans, settings)
        let logsPayload =
            chunk.recordEvents.isEmpty
            ? nil
            : chunk.encoder.map { OTLPProtobufEncoding.request(items: $0.records, source: settings.source) }
                ?? encode(records: chunk.records, settings)
        let (spanEvents, recordEvents) = (chunk.spanEvents, chunk.recordEvents)
        async let tracesResult = sendSignal(
            tracesPayload,
            count: spanEvents.count,
            url: settings.tracesURL,
            headers: settings.tracesHeaders,
            settings: settings,
            transport: transport,
            policy: policy
        )
        async let logsResult = sendSignal(
            logsPayload,
            count: recordEvents.count,
            url: settings.logsURL,
            headers: settings.logsHeaders,
            settings: settings,
            transport: transport,
            policy: policy
        )
        var outcome = ExportOutcome()
        outcome.rejected = chunk.rejected
        let results = [(await tracesResult, spanEvents), (await logsResult, recordEvents)]
        let failures = add(results, to: &outcome)
        if let failure = failures.first, outcome.rejected.count == events.count {
            throw withRetries(failure, outcome.retries)
        }
        return outcome
    }

    /// One chunk's events mapped to spans and log records: as values for http/json, encoded from the line bytes
    /// for protobuf.
    struct MappedChunk {
        var encoder: OTLPEventEncoder?
        var spans: [OTLPSpan] = []
        var spanEvents: [RuntimeEvent] = []
        var records: [OTLPLogRecord] = []
        var recordEvents: [RuntimeEvent] = []
        /// Each event's run and time, for the runs' root spans.
        var bounds: [SharedRunTracker.Bound] = []
        /// Events that make no span.
        var rejected: [RejectedEvent] = []

        init(_ events: ArraySlice<RuntimeEvent>, observed: UInt64, settings: OTLPSettings) {
            encoder = settings.format == .json ? nil : OTLPEventEncoder(events: events.count)
            var runs = RunIdentifiers()
            for event in events {
                let fields = OTLPMapping.EventFields(event)
                // Each event widens its run to its timestamp: the root span runs from the earliest to the latest
                // timestamp this replay saw (SPEC §7), not back to where a child span's duration starts.
                if let time = fields.time {
                    bounds.append(.init(runID: fields.runID, time: time, sandboxID: fields.sandboxID))
                }
                if let name = OTLPMapping.spanNames[fields.type] {
                    addSpan(event, fields, name: name, runs: &runs)
                } else {
                    addLogRecord(event, fields, observed: observed, runs: &runs)
                }
            }
        }

        private mutating func addSpan(
            _ event: RuntimeEvent,
            _ fields: OTLPMapping.EventFields,
            name: String,
            runs: inout RunIdentifiers
        ) {
            let mapped: Bool
            if encoder != nil {
                mapped = encoder!.appendSpan(event, fields, name: name, runs: &runs)
            } else if let span = OTLPMapping.span(fields, data: event.data, runs: &runs) {
                spans.append(span)
                mapped = true
            } else {
                mapped = false
            }
            if mapped {
                spanEvents.append(event)
            } else {
                rejected.append(
                    RejectedEvent(
                        event: event,
                        reason: "otel: a span needs a valid RFC 3339 timestamp; this event has none"
                    )
                )
            }
        }

        private mutating func addLogRecord(
            _ event: RuntimeEvent,
            _ fields: OTLPMapping.EventFields,
            observed: UInt64,
            runs: inout RunIdentifiers
        ) {
            if encoder != nil {
                encoder!.appendLogRecord(event, fields, observedNanoseconds: observed, runs: &runs)
            } else {
                records.append(
                    OTLPMapping.logRecord(fields, data: event.data, observedNanoseconds: observed, runs: &runs)
                )
            }
            recordEvents.append(event)
        }
    }

    /// Adds what sending each signal's events came to to `outcome`; returns the failures.
    private static func add(
        _ results: [(Result<SignalOutcome, any Error>, [RuntimeEvent])],
        to outcome: inout ExportOutcome
    ) -> [any Error] {
        var failures: [any Error] = []
        for (result, signalEvents) in results {
            switch result {
            case .success(let signal):
                outcome.retries += signal.retries
                outcome.bytesSent += signal.bytesSent
                outcome.rejectedWithoutDetail += signal.rejectedWithoutDetail
                if let refusal = signal.refusal {
                    outcome.rejected += signalEvents.map {
                        RejectedEvent(event: $0, reason: refusal.reason, status: refusal.status)
                    }
                }
            case .failure(let error):
                failures.append(error)
                outcome.retries += ExportFailure.retries(of: error)
                outcome.rejected += signalEvents.map { RejectedEvent(event: $0, reason: String(describing: error)) }
            }
        }
        return failures
    }

    static func encode(spans: [OTLPSpan], _ settings: OTLPSettings) -> [UInt8] {
        settings.format == .json
            ? OTLPJSONEncoding.traces(spans, source: settings.source)
            : OTLPProtobufEncoding.traces(spans, source: settings.source)
    }

    static func encode(records: [OTLPLogRecord], _ settings: OTLPSettings) -> [UInt8] {
        settings.format == .json
            ? OTLPJSONEncoding.logs(records, source: settings.source)
            : OTLPProtobufEncoding.logs(records, source: settings.source)
    }

    struct SignalOutcome: Sendable {
        var retries = 0
        var bytesSent = 0
        var rejectedWithoutDetail = 0
        var refusal: (reason: String, status: String)?
    }

    static func classify(_ response: HTTPResponse, now: Double) -> ResponseVerdict {
        switch response.status {
        case 200..<300: return .success
        case 429, 502, 503, 504:
            return .retry(serverHintSeconds: RetryHints.retryAfter(response.header("Retry-After"), now: now))
        default: return .permanent
        }
    }

    static func classifyGRPC(_ response: HTTPResponse) -> ResponseVerdict {
        let status = GRPCCall.status(of: response)
        if status.code == 0 { return .success }
        return status.isRetryable
            ? .retry(serverHintSeconds: status.retryDelay, problem: status.description) : .permanent
    }

    /// Sends one encoded request; a `.failure` when delivery gave up.
    static func sendSignal(
        _ payload: [UInt8]?,
        count: Int,
        url: String,
        headers: [(name: String, value: String)],
        settings: OTLPSettings,
        transport: any HTTPTransport,
        policy: RetryPolicy
    ) async -> Result<SignalOutcome, any Error> {
        guard let payload else { return .success(SignalOutcome()) }
        do {
            let grpc = settings.format == .grpc
            let body: [UInt8]
            var allHeaders: [(name: String, value: String)]
            if grpc {
                body = try GRPCCall.frame(payload, compression: settings.compression)
                allHeaders = GRPCCall.headers(compression: settings.compression, timeout: settings.timeout)
            } else {
                let (compressed, encoding) = try settings.compression.encode(payload)
                body = compressed
                allHeaders = [("Content-Type", settings.format.contentType), ("User-Agent", networkUserAgent)]
                if let encoding { allHeaders.append(encoding) }
            }
            allHeaders = mergeHeaders(allHeaders, headers)
            let request = HTTPRequest(
                method: "POST",
                url: url,
                headers: allHeaders,
                body: body,
                timeout: settings.timeout
            )
            let delivery = try await deliver(request, exporter: "otel", transport: transport, policy: policy) {
                grpc ? classifyGRPC($0) : classify($0, now: policy.now())
            }
            var outcome = SignalOutcome(retries: delivery.retries, bytesSent: body.count * (delivery.retries + 1))
            let response = delivery.response
            if delivery.refused, grpc {
                let status = GRPCCall.status(of: response)
                outcome.refusal = ("OTLP receiver refused the call: \(status.description)", "grpc \(status.code)")
            } else if delivery.refused {
                outcome.refusal = (
                    "OTLP receiver refused the request: HTTP \(response.status) \(message(response))",
                    String(response.status)
                )
            } else if let partial = partialSuccess(response, format: settings.format) {
                outcome.rejectedWithoutDetail = min(partial.rejected, count)
            }
            return .success(outcome)
        } catch {
            return .failure(error)
        }
    }

    static func partialSuccess(
        _ response: HTTPResponse,
        format: OTLPSettings.WireFormat
    ) -> (rejected: Int, message: String)? {
        if format == .grpc { return GRPCCall.message(response.body).flatMap(OTLPProtobufEncoding.partialSuccess) }
        let isJSON = response.header("Content-Type")?.lowercased().hasPrefix("application/json") ?? (format == .json)
        return isJSON
            ? OTLPJSONEncoding.partialSuccess(response.body) : OTLPProtobufEncoding.partialSuccess(response.body)
    }

    /// The message of a `google.rpc.Status` body (protobuf field 2, or JSON `message`), or the body.
    static func message(_ response: HTTPResponse) -> String {
        if response.header("Content-Type")?.lowercased().hasPrefix("application/x-protobuf") == true {
            var reader = ProtobufReader(response.body)
            while let field = reader.next() {
                if field.field == 2 { return String(decoding: field.payload, as: UTF8.self) }
            }
        }
        if let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let message = object["message"] as? String
        {
            return message
        }
        return response.bodySummary
    }

    /// Sends the `runra.run` root span of every run seen (and of runs widened since the last flush).
    func flush() async throws {
        guard let settings, let transport else { return }
        let pending = runs.pendingRootSpans()
        guard !pending.isEmpty else { return }
        for start in stride(from: 0, to: pending.count, by: max(settings.batchSize, 512)) {
            let slice = Array(pending[start..<min(start + max(settings.batchSize, 512), pending.count)])
            let result = await Self.sendSignal(
                Self.encode(spans: slice.map(\.span), settings),
                count: slice.count,
                url: settings.tracesURL,
                headers: settings.tracesHeaders,
                settings: settings,
                transport: transport,
                policy: policy
            )
            switch result {
            case .success(let outcome):
                if let refusal = outcome.refusal {
                    throw RunraError(
                        .exporter,
                        "otel: the root spans of \(slice.count) runs were refused: \(refusal.reason)"
                    )
                }
                runs.markExported(slice.map(\.runID))
            case .failure(let error):
                throw error
            }
        }
    }

    func dispose() async {
        await transport?.shutdown()
        transport = nil
    }
}
