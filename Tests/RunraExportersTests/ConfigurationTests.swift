import RunraEvents
import RunraReplay
import Testing

@testable import RunraExporters

@Suite struct AxiomSettingsTests {
    @Test func defaultsToTheLegacyEndpointWithTheTimestampField() throws {
        let settings = try AxiomSettings(configuration([:], environment: ["AXIOM_TOKEN": "xaat-secret"]))
        #expect(settings.ingestURL == "https://api.axiom.co/v1/datasets/runra-events/ingest?timestamp-field=timestamp")
        #expect(settings.batchSize == 100)
        #expect(settings.flushIntervalMs == 5000)
        #expect(settings.compression == .gzip)
        let names = settings.headers.map(\.name)
        #expect(names.contains("Content-Encoding"))
        #expect(!names.contains("X-Axiom-Org-Id"))
        #expect(settings.headers.first { $0.name == "Authorization" }?.value == "Bearer xaat-secret")
    }

    @Test func urlWithAPathIsUsedAsIs() throws {
        let settings = try AxiomSettings(
            configuration(["token": "xaat-1", "url": "http://127.0.0.1:9/custom/path?x=1", "compression": "none"])
        )
        #expect(settings.ingestURL == "http://127.0.0.1:9/custom/path?x=1&timestamp-field=timestamp")
        #expect(!settings.headers.map(\.name).contains("Content-Encoding"))
        let bare = try AxiomSettings(configuration(["token": "xaat-1", "url": "http://h:9/", "dataset": "d1"]))
        #expect(bare.ingestURL == "http://h:9/v1/datasets/d1/ingest?timestamp-field=timestamp")
    }

    @Test func edgeEndpoints() throws {
        let edge = try AxiomSettings(
            configuration(
                ["token": "xaat-1", "dataset": "d"],
                environment: ["AXIOM_EDGE": "eu-central-1.aws.edge.axiom.co"]
            )
        )
        #expect(edge.ingestURL == "https://eu-central-1.aws.edge.axiom.co/v1/ingest/d?timestamp-field=timestamp")
        let edgeURL = try AxiomSettings(
            configuration(["token": "xaat-1", "dataset": "d", "edgeUrl": "http://localhost:8080"])
        )
        #expect(edgeURL.ingestURL == "http://localhost:8080/v1/ingest/d?timestamp-field=timestamp")
        let withPath = try AxiomSettings(
            configuration(["token": "xaat-1", "edgeUrl": "http://localhost:8080/in", "edge": "x.y"])
        )
        #expect(withPath.ingestURL == "http://localhost:8080/in?timestamp-field=timestamp")
    }

    @Test func orgIdOnlyWithPersonalTokens() throws {
        let api = try AxiomSettings(configuration(["token": "xaat-1", "orgId": "org"]))
        #expect(!api.headers.map(\.name).contains("X-Axiom-Org-Id"))
        let personal = try AxiomSettings(configuration(["token": "xapt-1"], environment: ["AXIOM_ORG_ID": "org-9"]))
        #expect(personal.headers.first { $0.name == "X-Axiom-Org-Id" }?.value == "org-9")
        #expect(throws: RunraError.self) { try AxiomSettings(configuration(["token": "xapt-1"])) }
        #expect(throws: RunraError.self) {
            try AxiomSettings(configuration(["token": "xapt-1", "orgId": "o", "edge": "e.axiom.co"]))
        }
    }

    /// SPEC §7: batchSize is at most 10000; a larger one is capped, not an error and not an oversized request.
    @Test func batchSizeAboveTheLimitIsCapped() throws {
        for (configured, expected) in [(20000, 10000), (10000, 10000), (10001, 10000), (250, 250)] {
            let settings = try AxiomSettings(
                configuration(["token": "xaat-1", "batchSize": .number(Double(configured))])
            )
            #expect(settings.batchSize == expected, "batchSize \(configured)")
        }
    }

    @Test func errorsNameTheKeyAndNeverTheToken() throws {
        let notANumber = #expect(throws: RunraError.self) {
            try AxiomSettings(configuration(["token": "xaat-supersecret", "batchSize": 0]))
        }
        #expect(notANumber?.message.contains("config.batchSize") == true)
        #expect(notANumber?.message.contains("supersecret") == false)
        let missing = #expect(throws: RunraError.self) { try AxiomSettings(configuration([:])) }
        #expect(missing?.message.contains("AXIOM_TOKEN") == true)
        let badURL = #expect(throws: RunraError.self) {
            try AxiomSettings(configuration(["token": "xaat-supersecret", "url": "ftp://x", "compression": "zstd"]))
        }
        #expect(badURL?.message.contains("supersecret") == false)
        #expect(throws: RunraError.self) {
            try AxiomSettings(configuration(["token": "xaat-1", "compression": "zstd"]))
        }
    }
}

@Suite struct OTLPSettingsTests {
    @Test func defaults() throws {
        let settings = try OTLPSettings(configuration([:]))
        #expect(settings.tracesURL == "http://localhost:4318/v1/traces")
        #expect(settings.logsURL == "http://localhost:4318/v1/logs")
        #expect(settings.format == .protobuf)
        #expect(settings.compression == .gzip)
        #expect(settings.timeout == .seconds(10))
        #expect(settings.batchSize == 512)
        #expect(settings.scheduleDelayMs == 5000)
        #expect(settings.maxQueueSize == 2048)
        #expect(settings.source.resource == [Attribute(key: "service.name", value: .string("runra-events"))])
    }

    @Test(arguments: [
        ("http://c:4318", "http://c:4318/v1/traces", "http://c:4318/v1/logs"),
        ("http://c:4318/", "http://c:4318/v1/traces", "http://c:4318/v1/logs"),
        ("https://c/otlp/v1/traces", "https://c/otlp/v1/traces", "https://c/otlp/v1/logs"),
        ("https://c/otlp/v1/logs?a=1", "https://c/otlp/v1/traces?a=1", "https://c/otlp/v1/logs?a=1"),
        ("https://c/otlp", "https://c/otlp/v1/traces", "https://c/otlp/v1/logs"),
    ])
    func configuredEndpoint(endpoint: String, traces: String, logs: String) throws {
        let settings = try OTLPSettings(configuration(["endpoint": .string(endpoint)]))
        #expect(settings.tracesURL == traces)
        #expect(settings.logsURL == logs)
    }

    @Test func environmentFollowsTheOTelRules() throws {
        let base = try OTLPSettings(
            configuration([:], environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://b:4318/prefix"])
        )
        #expect(base.tracesURL == "http://b:4318/prefix/v1/traces")
        let signal = try OTLPSettings(
            configuration(
                [:],
                environment: [
                    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://b:4318",
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://t:1",
                    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "http://l:2/custom/logs",
                    "OTEL_EXPORTER_OTLP_HEADERS": "api-key=a%20b, x-team = core ,broken",
                    "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
                    "OTEL_EXPORTER_OTLP_COMPRESSION": "none",
                    "OTEL_EXPORTER_OTLP_TIMEOUT": "2500",
                    "OTEL_SERVICE_NAME": "svc",
                ]
            )
        )
        #expect(signal.tracesURL == "http://t:1/")
        #expect(signal.logsURL == "http://l:2/custom/logs")
        #expect(signal.tracesHeaders.map(\.name) == ["api-key", "x-team"])
        #expect(signal.tracesHeaders.map(\.value) == ["a b", "core"])
        #expect(signal.format == .json)
        #expect(signal.compression == BodyCompression.none)
        #expect(signal.timeout == .milliseconds(2500))
        #expect(signal.source.resource.first?.value == .string("svc"))
        let configured = try OTLPSettings(
            configuration(
                [
                    "endpoint": "http://c:1", "headers": ["api-key": "cfg"], "protocol": "http/protobuf",
                    "serviceName": "s", "serviceVersion": "1.2",
                ],
                environment: [
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://t:1",
                    "OTEL_EXPORTER_OTLP_HEADERS": "api-key=env,other=o",
                ]
            )
        )
        #expect(configured.tracesURL == "http://c:1/v1/traces")
        #expect(configured.tracesHeaders.map(\.value) == ["o", "cfg"])
        #expect(configured.source.resource.count == 2)
    }

    /// gRPC takes the server from the endpoint and names the method in the path.
    @Test func grpcEndpoints() throws {
        let defaults = try OTLPSettings(configuration(["protocol": "grpc"]))
        #expect(defaults.format == .grpc)
        #expect(
            defaults.tracesURL == "http://localhost:4317/opentelemetry.proto.collector.trace.v1.TraceService/Export"
        )
        #expect(defaults.logsURL == "http://localhost:4317/opentelemetry.proto.collector.logs.v1.LogsService/Export")
        let configured = try OTLPSettings(
            configuration(["protocol": "grpc", "endpoint": "https://otel.example:443/ignored"])
        )
        #expect(configured.tracesURL == "https://otel.example:443" + GRPCCall.tracesPath)
        let environment = try OTLPSettings(
            configuration(
                [:],
                environment: [
                    "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://b:4317",
                    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "http://l:9/x", "OTEL_EXPORTER_OTLP_CERTIFICATE": #filePath,
                ]
            )
        )
        #expect(environment.tracesURL == "http://b:4317" + GRPCCall.tracesPath)
        #expect(environment.logsURL == "http://l:9" + GRPCCall.logsPath)
        #expect(environment.trustRootsFile == #filePath)  // any readable file; TLS reads it as PEM
        let unreadable = #expect(throws: RunraError.self) {
            try OTLPSettings(configuration([:], environment: ["OTEL_EXPORTER_OTLP_CERTIFICATE": "/no/such/ca.pem"]))
        }
        #expect(unreadable?.code == .configuration)
        #expect(
            unreadable?.message
                == #"OTEL_EXPORTER_OTLP_CERTIFICATE: cannot read "/no/such/ca.pem" (a PEM file of CA "#
                + #"certificates to trust)"#
        )
    }

    @Test func processorsAndErrors() throws {
        #expect(try OTLPSettings(configuration(["spanProcessor": "simple"])).batchSize == 1)
        let batch = try OTLPSettings(
            configuration(["batchConfig": ["maxExportBatchSize": 2000, "maxQueueSize": 4096, "scheduleDelayMs": 100]])
        )
        #expect(batch.batchSize == 2000)
        #expect(batch.scheduleDelayMs == 100)
        let wrong = #expect(throws: RunraError.self) { try OTLPSettings(configuration(["protocol": "http/2"])) }
        #expect(wrong?.message.contains("config.protocol") == true)
        #expect(wrong?.message.contains("grpc") == true)
        let unknown = #expect(throws: RunraError.self) {
            try OTLPSettings(configuration(["batchConfig": ["maxBatch": 1]]))
        }
        #expect(unknown?.message.contains("config.batchConfig.maxBatch") == true)
        #expect(throws: RunraError.self) {
            try OTLPSettings(configuration(["batchConfig": ["maxExportBatchSize": 5000]]))
        }
        #expect(throws: RunraError.self) { try OTLPSettings(configuration(["spanProcessor": "fast"])) }
        #expect(throws: RunraError.self) { try OTLPSettings(configuration(["endpoint": "localhost:4318"])) }
    }
}

@Suite struct RegistrationTests {
    @Test func registersTheThreeNetworkExporters() {
        var registry = ExporterRegistry()
        registry.registerNetworkExporters()
        #expect(registry.ids == ["axiom", "custom", "otel"])
        #expect(registry.registration(for: "axiom")?.configurationKeys.contains("edgeUrl") == true)
        #expect(registry.registration(for: "otel")?.configurationKeys.contains("batchConfig") == true)
        #expect(registry.registration(for: "custom")?.configurationKeys.contains("method") == true)
        #expect(registry.registration(for: "otel")?.make().id == "otel")
    }
}
