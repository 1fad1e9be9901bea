import Foundation
import RunraEvents
import RunraReplay
import Testing

@Suite struct ConfigurationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/config")

    static var examples: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? [])
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".yaml") }.sorted()
    }

    func parse(_ text: String, yaml: Bool = false, environment: [String: String] = [:]) throws -> ReplayConfiguration {
        let document = try ConfigurationDocument.parse(Array(text.utf8), format: yaml ? .yaml : .json, name: "test")
        return try ReplayConfiguration.parse(document, registry: testRegistry(), environment: environment)
    }

    func message(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func everyExampleLoads() throws {
        #expect(Self.examples.count >= 8)
        let environment = [
            "AXIOM_TOKEN": "xaat-1", "DATABASE_URL": "postgresql://localhost/x", "HOOK_TOKEN": "t", "OTEL_API_KEY": "k",
        ]
        for name in Self.examples {
            let path = Self.fixtures.appendingPathComponent(name).path
            let configuration = try ReplayConfiguration.load(
                path: path,
                registry: testRegistry(),
                environment: environment
            )
            #expect(!configuration.exporters.isEmpty, "\(name)")
            try configuration.validate(registry: testRegistry())
        }
    }

    @Test func yamlAndJSONAgree() throws {
        let environment = ["AXIOM_TOKEN": "a", "DATABASE_URL": "b"]
        let json = try ReplayConfiguration.load(
            path: Self.fixtures.appendingPathComponent("multiple.json").path,
            registry: testRegistry(),
            environment: environment
        )
        let yaml = try ReplayConfiguration.load(
            path: Self.fixtures.appendingPathComponent("multiple.yaml").path,
            registry: testRegistry(),
            environment: environment
        )
        #expect(json.exporters.map(\.provider) == yaml.exporters.map(\.provider))
        #expect(json.exporters.map(\.configuration.values) == yaml.exporters.map(\.configuration.values))
        #expect(yaml.exporters[3].filter.condition?.description == "data.exitCode != 0")
        #expect(yaml.exporters[1].filter.types.map(\.pattern) == ["exec.*", "sandbox.*"])
    }

    @Test func variablesExpandFromTheEnvironment() throws {
        let configuration = try parse(
            #"{"provider":"jsonl","config":{"filePath":"${DIR}/out-${NAME:-default}-$${literal}.jsonl"}}"#,
            environment: ["DIR": "/tmp/x"]
        )
        #expect(
            configuration.exporters[0].configuration.values["filePath"]
                == .string("/tmp/x/out-default-${literal}.jsonl")
        )
    }

    @Test func unsetVariableNamesTheKeyPath() {
        let text = #"{"observability":{"exporters":[{"provider":"axiom","config":{"token":"${AXIOM_TOKEN_UNSET}"}}]}}"#
        #expect(
            message { try parse(text) }.hasPrefix(
                "observability.exporters[0].config.token: the environment variable AXIOM_TOKEN_UNSET is not set"
            )
        )
    }

    @Test func dryRunToleratesUnsetVariablesWithAWarning() throws {
        let document = try ConfigurationDocument.parse(
            Array(#"{"provider":"axiom","config":{"token":"${UNSET_X}"}}"#.utf8),
            format: .json,
            name: "t"
        )
        let configuration = try ReplayConfiguration.parse(
            document,
            registry: testRegistry(),
            environment: [:],
            dryRun: true
        )
        #expect(
            configuration.warnings == ["observability.config.token: ${UNSET_X} is not set (a real run would stop here)"]
        )
    }

    @Test func unknownKeysSuggestTheNearest() {
        #expect(
            message { try parse(#"{"provider":"postgres","config":{"batchSzie":10}}"#) }.hasPrefix(
                "observability.config.batchSzie: unknown key (did you mean batchSize?)"
            )
        )
        #expect(
            message {
                try parse(
                    #"{"exporters":[{"provider":"jsonl","config":{"filePath":"a"}},{"provider":"console","filtr":{}}]}"#
                )
            }
            .hasPrefix("observability.exporters[1].filtr: unknown key (did you mean filter?)")
        )
        #expect(
            message { try parse(#"{"exporters":[{"provider":"console","filter":{"type":["a"]}}]}"#) }
                .hasPrefix("observability.exporters[0].filter.type: unknown key (did you mean types?)")
        )
        #expect(message { try parse(#"{"observabilty":{}}"#) }.hasPrefix("observabilty: unknown key"))
        #expect(
            message { try parse(#"{"provider":"otel","config":{"batchConfig":{"maxExportBatchSise":5}}}"#) }
                .hasPrefix(
                    "observability.config.batchConfig.maxExportBatchSise: unknown key (did you mean "
                        + "maxExportBatchSize?)"
                )
        )
    }

    @Test func unknownProviderListsTheKnownOnes() {
        #expect(
            message { try parse(#"{"provider":"consol"}"#) }
                == #"observability.provider: unknown provider "consol" (did you mean console?) (known: axiom, console,"#
                + #" custom, jsonl, memory, otel, postgres)"#
        )
    }

    @Test func wrongTypesNameTheKeyPath() {
        #expect(
            message { try parse(#"{"provider":"console","filter":{"types":[3]}}"#) }.hasPrefix(
                "observability.filter.types[0]: expected a type glob"
            )
        )
        #expect(
            message { try parse(#"{"provider":"console","filter":{"minLevel":"loud"}}"#) }.hasPrefix(
                "observability.filter.minLevel: expected debug, info, warn or error"
            )
        )
        #expect(
            message { try parse(#"{"provider":"console","filter":{"condition":"type =="}}"#) }.hasPrefix(
                "observability.filter.condition:"
            )
        )
        #expect(
            message { try parse(#"{"provider":"postgres","config":{"batchSize":"ten"}}"#) }
                == #"observability.config.batchSize: expected a whole number, got "ten""#
        )
        #expect(
            message { try parse(#"{"exporters":{"provider":"console"}}"#) }.hasPrefix(
                "observability.exporters: expected a list"
            )
        )
    }

    @Test func quickFormNestsDottedKeysAndParsesJSONValues() throws {
        let configuration = try ReplayConfiguration.quick(
            provider: "otel",
            settings: [
                "batchConfig.maxExportBatchSize=10", "serviceName=svc", "headers={\"a\":\"b\"}",
                "endpoint=http://x:4318",
            ],
            registry: testRegistry(),
            environment: [:]
        )
        let values = configuration.exporters[0].configuration.values
        #expect(values["batchConfig"] == .object(["maxExportBatchSize": .number(10)]))
        #expect(values["serviceName"] == .string("svc"))
        #expect(values["headers"] == .object(["a": .string("b")]))
        let registration = testRegistry().registration(for: "otel")
        #expect(
            try ReplayConfiguration.engineSettings(configuration.exporters[0].configuration, registration: registration)
                .batchSize == 10
        )
        // maxQueueSize bounds the queue in events: 2048 / 512 = 4 batches; 100 / 10 = 10.
        let queued = try ReplayConfiguration.quick(
            provider: "otel",
            settings: ["batchConfig.maxExportBatchSize=10", "batchConfig.maxQueueSize=100"],
            registry: testRegistry(),
            environment: [:]
        )
        #expect(try ReplayTarget.make(from: queued, registry: testRegistry()).map(\.queuedBatches) == [10])
        #expect(try ReplayTarget.make(from: configuration, registry: testRegistry()).map(\.queuedBatches) == [nil])
        #expect(
            message {
                try ReplayConfiguration.quick(
                    provider: "jsonl",
                    settings: ["filePath=a", "batchSzie=3"],
                    registry: testRegistry(),
                    environment: [:]
                )
            }.contains("did you mean batchSize?")
        )
    }

    @Test func localExportersValidateTheirValues() {
        let registry = testRegistry()
        func check(_ text: String) -> String { message { try parse(text).validate(registry: registry) } }
        #expect(
            check(#"{"provider":"console","config":{"format":"xml"}}"#)
                == #"observability.config.format: expected "pretty" or "json", got "xml""#
        )
        #expect(
            check(#"{"provider":"console","config":{"level":"warn"}}"#)
                == #"observability.config.level: expected "all", "sandbox", "exec", "agent" or "error", got "warn""#
        )
        #expect(check(#"{"provider":"jsonl","config":{}}"#).hasPrefix("observability.config.filePath: missing"))
        #expect(check(#"{"provider":"jsonl","config":{"filePath":"a","rotateSizeBytes":"100MB"}}"#) == "no error")
    }

    @Test func typePatternsThatMatchNoKnownTypeAreWarnings() throws {
        let configuration = try parse(
            #"{"provider":"memory","filter":{"types":["exec.complete","sandbox.*","*","custom.thing","#
                + #""exec.completed"]}}"#
        )
        #expect(
            configuration.warnings == [
                #"observability.filter.types[0]: "exec.complete" matches none of the runtime's event types (did you "#
                    + #"mean "exec.completed"?)"#,
                #"observability.filter.types[3]: "custom.thing" matches none of the runtime's event types"#,
            ]
        )
        #expect(
            configuration.exporters[0].filter.types.count == 5,
            "a warning, not an error: other types are events too"
        )
        #expect(
            message { try parse(#"{"provider":"memory","filter":{"minLevel":"eror"}}"#) }
                == #"observability.filter.minLevel: expected debug, info, warn or error, got "eror" (did "#
                + #"you mean "error"?)"#
        )
    }

    @Test func sharedProvidersGetIndexedLabels() throws {
        let configuration = try parse(
            #"{"exporters":[{"provider":"memory"},{"provider":"console"},{"provider":"memory"}]}"#
        )
        #expect(configuration.exporters.map(\.label) == ["memory[0]", "console", "memory[2]"])
    }
}
