import Foundation
import Testing

/// SPEC §10: a configuration mistake is exit 2 at load time, before any event is sent, in --dry-run and
/// --follow too; the message names the key and what to write.
@Suite(.timeLimit(.minutes(5))) struct ConfigurationErrorCLITests {
    let small = CLI.fixture("events/small.jsonl")

    static let mistakes: [(settings: [String], says: String)] = [
        (["--to", "jsonl"], #"config.filePath: missing: the file to write, e.g. "./logs/replayed.jsonl""#),
        (
            ["--to", "jsonl", "--set", "filePath="],
            #"config.filePath: missing: the file to write, e.g. "./logs/replayed.jsonl""#
        ),
        (
            ["--to", "console", "--set", "format=prety"],
            #"config.format: expected "pretty" or "json", got "prety" (did you mean "pretty"?)"#
        ),
        (
            ["--to", "console", "--set", "level=eror"],
            #"config.level: expected "all", "sandbox", "exec", "agent" or "error", got "eror" (did you mean "error"?)"#
        ),
        (
            ["--to", "otel", "--set", "protocol=http/protobf"],
            #"config.protocol: expected "http/protobuf", "http/json" or "grpc", got "http/protobf" (did you mean "#
                + #""http/protobuf"?)"#
        ),
        (
            ["--to", "otel", "--set", "spanProcessor=smple"],
            #"config.spanProcessor: expected "batch" or "simple", got "smple" (did you mean "simple"?)"#
        ),
        (
            ["--to", "otel", "--set", "batchConfig.maxExportBatchSize=4096"],
            "config.batchConfig.maxExportBatchSize: 4096 is larger than maxQueueSize (2048)"
        ),
        (
            ["--to", "otel", "--set", "batchConfig.maxQueueSize=0"],
            "config.batchConfig.maxQueueSize: expected a whole number of at least 1, got 0"
        ),
        (
            ["--to", "otel", "--set", "endpoint=http://:4318"],
            #"config.endpoint: expected a URL with a host, such as "https://collector.example:4318", "#
                + #"got "http://:4318""#
        ),
        (
            ["--to", "otel", "--set", "endpoint=http://collector:99999"],
            #"config.endpoint: the port of "http://collector:99999" must be a number from 1 to 65535"#
        ),
        (
            ["--to", "postgres", "--set", "ssl=requir"],
            #"config.ssl: expected true, false or one of disable, allow, prefer, require, verify-ca, verify-full, got "#
                + #""requir" (did you mean "require"?)"#
        ),
        (
            ["--to", "custom", "--set", "endpoint=127.0.0.1:18080"],
            #"config.endpoint: expected an http:// or https:// URL, got "127.0.0.1:18080" (did you mean "http:"#
                + #"//127.0.0.1:18080"?)"#
        ),
        (
            ["--to", "axiom", "--set", "token=t", "--set", "compression=gzp"],
            #"config.compression: expected "gzip" or "none", got "gzp" (did you mean "gzip"?)"#
        ),
        (["--to", "axiom", "--set", "token=t", "--set", "batchSize=0"], "config.batchSize: must be at least 1, got 0"),
        (
            ["--to", "axiom", "--set", "token=t", "--set", "onError=alert"],
            "config.onError: runra-events takes no error callback; remove onError. Instead: --dead-letter FILE keeps "
                + "every event an exporter rejected or gave up on (replay --from-dead-letter FILE sends them again), "
                + "replay exits with status 4 when an exporter failed, and an exec exporter (provider: exec, "
                + "config: {command: …}) hands events to a program of yours"
        ),
    ]

    @Test(arguments: mistakes, [[], ["--dry-run"]])
    func mistakesExitTwoBeforeSending(_ mistake: (settings: [String], says: String), _ mode: [String]) throws {
        let result = try CLI.run(
            ["replay", "-q"] + mistake.settings + mode + [small],
            environment: ["DATABASE_URL": "postgresql://127.0.0.1:1/x"]
        )
        #expect(result.status == 2, "\(mistake.settings) \(mode)")
        #expect(result.stderr == "runra-events: error: \(mistake.says)\n", "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func followDoesNotRetryAConfigurationError() throws {
        let result = try CLI.run(["replay", "--follow", "--to", "console", "--set", "format=prety", small])
        #expect(result.status == 2)
        #expect(result.stderr.contains("did you mean \"pretty\"?"))
        #expect(!result.stderr.contains("trying again"))
    }

    @Test(arguments: [
        (
            "dup.yaml", "observability:\n  provider: console\n  config:\n    format: json\n    format: pretty\n",
            "observability.config.format: duplicate key; keep one of the two"
        ),
        (
            "dup.json", #"{"provider":"console","config":{"format":"json","colorize":false,"format":"pretty"}}"#,
            "config.format: duplicate key; keep one of the two"
        ),
        ("dup-top.json", #"{"provider":"console","provider":"jsonl"}"#, "provider: duplicate key; keep one of the two"),
    ])
    func duplicateKeysAreErrors(_ name: String, _ text: String, _ says: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["replay", "--dry-run", "--config", path, small])
        #expect(result.status == 2)
        #expect(result.stderr == "runra-events: error: \(path): \(says)\n", "\(result.stderr)")
    }

    @Test func anUnsetVariableStaysAWarningInADryRun() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("unset-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "observability:\n  provider: axiom\n  config: { token: \"${RUNRA_TEST_UNSET_TOKEN}\" }\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let dry = try CLI.run(["replay", "--dry-run", "--config", path, small])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stderr.contains("${RUNRA_TEST_UNSET_TOKEN} is not set (a real run would stop here)"))
        let real = try CLI.run(["replay", "--config", path, small])
        #expect(real.status == 2)
        #expect(real.stderr.contains("the environment variable RUNRA_TEST_UNSET_TOKEN is not set"))
    }
}
