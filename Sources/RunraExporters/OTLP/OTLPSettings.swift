internal import Foundation
internal import RunraEvents
internal import RunraReplay

/// The `otel` exporter's configuration, resolved against the `OTEL_*` environment (SPEC §7, §9).
struct OTLPSettings: Sendable {
    enum WireFormat: String, Sendable {
        case protobuf = "http/protobuf"
        case json = "http/json"
        /// OTLP/gRPC: protobuf messages in unary gRPC calls over HTTP/2.
        case grpc

        var contentType: String {
            switch self {
            case .protobuf: "application/x-protobuf"
            case .json: "application/json"
            case .grpc: "application/grpc"
            }
        }
    }

    static let configurationKeys = [
        "endpoint", "protocol", "headers", "serviceName", "serviceVersion", "spanProcessor", "batchConfig",
        "compression",
        "timeoutMs",
    ]
    static let batchConfigKeys = ["maxQueueSize", "maxExportBatchSize", "scheduleDelayMs"]
    static let defaultEndpoint = "http://localhost:4318"
    static let defaultGRPCEndpoint = "http://localhost:4317"

    var format: WireFormat
    var tracesURL: String
    var logsURL: String
    var tracesHeaders: [(name: String, value: String)]
    var logsHeaders: [(name: String, value: String)]
    var compression: BodyCompression
    var timeout: Duration
    var source: OTLPSource
    /// Events per request: 1 with `spanProcessor: simple`, `batchConfig.maxExportBatchSize` with `batch`.
    var batchSize: Int
    /// `batchConfig.scheduleDelayMs`: how long the engine may hold a partial batch.
    var scheduleDelayMs: Int
    var maxQueueSize: Int
    /// A PEM file of CA certificates to trust for `https://` (`OTEL_EXPORTER_OTLP_CERTIFICATE`).
    var trustRootsFile: String?

    init(_ configuration: ExporterConfiguration) throws {
        let environment = configuration.environment
        func env(_ name: String) -> String? { Self.value(name, in: environment) }

        format = try Self.wireFormat(configuration)
        (tracesURL, logsURL) = try Self.signalURLs(configuration, format: format)

        trustRootsFile = env("OTEL_EXPORTER_OTLP_CERTIFICATE")
        if let file = trustRootsFile, !FileManager.default.isReadableFile(atPath: file) {
            // Found at the first request otherwise, as a failure of every batch.
            throw RunraError(
                .configuration,
                "OTEL_EXPORTER_OTLP_CERTIFICATE: cannot read \(JSONText.quoted(file)) (a PEM file of CA "
                    + "certificates to trust)"
            )
        }
        let configured = try configuration.headers()
        let common = Self.parseHeaders(env("OTEL_EXPORTER_OTLP_HEADERS"))
        tracesHeaders = mergeHeaders(
            mergeHeaders(common, Self.parseHeaders(env("OTEL_EXPORTER_OTLP_TRACES_HEADERS"))),
            configured
        )
        logsHeaders = mergeHeaders(
            mergeHeaders(common, Self.parseHeaders(env("OTEL_EXPORTER_OTLP_LOGS_HEADERS"))),
            configured
        )

        let compressionFallback =
            BodyCompression(rawValue: env("OTEL_EXPORTER_OTLP_COMPRESSION")?.lowercased() ?? "") ?? .gzip
        compression = try BodyCompression.read(configuration, fallback: compressionFallback)
        let timeoutFallback =
            env("OTEL_EXPORTER_OTLP_TIMEOUT").flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 10_000
        timeout = .milliseconds(try configuration.positiveInteger("timeoutMs", fallback: timeoutFallback))

        var resource = [
            Attribute(
                key: "service.name",
                value: .string(try configuration.string("serviceName") ?? env("OTEL_SERVICE_NAME") ?? "runra-events")
            )
        ]
        if let version = try configuration.string("serviceVersion") {
            resource.append(Attribute(key: "service.version", value: .string(version)))
        }
        source = OTLPSource(resource: resource)

        (batchSize, scheduleDelayMs, maxQueueSize) = try Self.batching(configuration)
    }

    /// An environment variable's value without surrounding spaces; `nil` when unset or blank.
    private static func value(_ name: String, in environment: [String: String]) -> String? {
        environment[name].flatMap { $0.trimmingSpaces.isEmpty ? nil : $0.trimmingSpaces }
    }

    /// `protocol`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else `http/protobuf`.
    private static func wireFormat(_ configuration: ExporterConfiguration) throws -> WireFormat {
        let protocols = ["http/protobuf", "http/json", "grpc"]
        let protocolName =
            try configuration.choice("protocol", of: protocols, caseSensitive: false)
            ?? value("OTEL_EXPORTER_OTLP_PROTOCOL", in: configuration.environment) ?? "http/protobuf"
        switch protocolName.lowercased() {
        case "http/protobuf": return .protobuf
        case "http/json": return .json
        case "grpc": return .grpc
        default:
            throw RunraError(
                .configuration,
                "OTEL_EXPORTER_OTLP_PROTOCOL: expected \(ExporterConfiguration.alternatives(protocols)), "
                    + "got \(JSONText.quoted(protocolName))"
            )
        }
    }

    /// Where traces and logs go: `endpoint`, else the `OTEL_EXPORTER_OTLP_…ENDPOINT` variables, else the default.
    private static func signalURLs(
        _ configuration: ExporterConfiguration,
        format: WireFormat
    ) throws -> (traces: String, logs: String) {
        func env(_ name: String) -> String? { value(name, in: configuration.environment) }
        if format == .grpc {
            // gRPC names the method in the path: an endpoint gives only the server (its path is not used).
            let configured = try configuration.httpURL("endpoint", try configuration.string("endpoint"))
            let base = try configured ?? configuration.httpURL("endpoint", env("OTEL_EXPORTER_OTLP_ENDPOINT"))
            let traces = try configured ?? configuration.httpURL("endpoint", env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
            let logs = try configured ?? configuration.httpURL("endpoint", env("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"))
            return (
                URLParts(traces ?? base ?? defaultGRPCEndpoint).origin + GRPCCall.tracesPath,
                URLParts(logs ?? base ?? defaultGRPCEndpoint).origin + GRPCCall.logsPath
            )
        }
        if let endpoint = try configuration.httpURL("endpoint", try configuration.string("endpoint")) {
            return signalURLs(configured: endpoint)
        }
        let base = try configuration.httpURL("endpoint", env("OTEL_EXPORTER_OTLP_ENDPOINT")) ?? defaultEndpoint
        let traces =
            try env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").map { try asIs($0, configuration) }
            ?? append("v1/traces", to: base)
        let logs =
            try env("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT").map { try asIs($0, configuration) }
            ?? append("v1/logs", to: base)
        return (traces, logs)
    }

    /// `spanProcessor` and `batchConfig`: the batch size, the longest hold of a partial batch, the queue size.
    private static func batching(
        _ configuration: ExporterConfiguration
    ) throws -> (batchSize: Int, scheduleDelayMs: Int, maxQueueSize: Int) {
        let processor = try configuration.choice("spanProcessor", of: ["batch", "simple"]) ?? "batch"
        let batch =
            try configuration.object("batchConfig")
            ?? ExporterConfiguration(
                path: configuration.keyPath("batchConfig"),
                environment: configuration.environment
            )
        for key in batch.values.keys.sorted() where !batchConfigKeys.contains(key) {
            throw batch.error(key, "unknown key; valid keys are \(batchConfigKeys.joined(separator: ", "))")
        }
        let maxQueueSize = try batch.positiveInteger("maxQueueSize", fallback: 2048)
        let maxExportBatchSize = try batch.positiveInteger("maxExportBatchSize", fallback: 512)
        guard maxExportBatchSize <= maxQueueSize else {
            throw batch.error(
                "maxExportBatchSize",
                "\(maxExportBatchSize) is larger than maxQueueSize (\(maxQueueSize))"
            )
        }
        let scheduleDelayMs = try batch.positiveInteger("scheduleDelayMs", fallback: 5000)
        switch processor {
        case "batch": return (maxExportBatchSize, scheduleDelayMs, maxQueueSize)
        case "simple": return (1, scheduleDelayMs, maxQueueSize)
        default:
            throw configuration.error(
                "spanProcessor",
                "expected \"batch\" or \"simple\", got \(JSONText.quoted(processor))"
            )
        }
    }

    /// SPEC §9: a path ending in `/v1/traces` or `/v1/logs` names that signal and the other sits
    /// beside it; any other URL is a base to which both paths are added.
    static func signalURLs(configured endpoint: String) -> (traces: String, logs: String) {
        var url = URLParts(endpoint)
        for (suffix, other) in [("/v1/traces", "/v1/logs"), ("/v1/logs", "/v1/traces")] where url.path.hasSuffix(suffix)
        {
            let named = url.text
            url.path = String(url.path.dropLast(suffix.count)) + other
            return suffix == "/v1/traces" ? (named, url.text) : (url.text, named)
        }
        return (append("v1/traces", to: endpoint), append("v1/logs", to: endpoint))
    }

    /// The OTel rule for `OTEL_EXPORTER_OTLP_ENDPOINT`: `v1/{signal}` appended to the base path.
    static func append(_ signalPath: String, to base: String) -> String {
        var url = URLParts(base)
        url.path = (url.path.hasSuffix("/") ? url.path : url.path + "/") + signalPath
        return url.text
    }

    /// A signal-specific variable is used as-is, with `/` when it has no path.
    static func asIs(_ text: String, _ configuration: ExporterConfiguration) throws -> String {
        var url = URLParts(try configuration.httpURL("endpoint", text) ?? text)
        if url.path.isEmpty { url.path = "/" }
        return url.text
    }

    /// `OTEL_EXPORTER_OTLP_HEADERS`: `key1=value1,key2=value2`, values percent-decoded; malformed entries are skipped.
    static func parseHeaders(_ text: String?) -> [(name: String, value: String)] {
        guard let text else { return [] }
        return text.split(separator: ",").compactMap { entry in
            guard let equals = entry.firstIndex(of: "=") else { return nil }
            let name = String(entry[..<equals]).trimmingSpaces
            let raw = String(entry[equals...].dropFirst()).trimmingSpaces
            guard !name.isEmpty else { return nil }
            return (name, raw.removingPercentEncoding ?? raw)
        }
    }
}
