import Foundation
import RunraTestSupport
import Testing

/// `replay` into network sinks that refuse every connection, with the default retry schedule: each ends with exit 4
/// and a clear error well within two minutes, however many batches are left (docs/exporters-network.md).
@Suite(.timeLimit(.minutes(5))) struct UnreachableSinkCLITests {
    /// A loopback port that nothing listens on (tcpmux, never served here).
    static let closedPort = 1

    @Test func everyNetworkExporterGivesUpInBoundedTime() async throws {
        let directory = try TemporaryDirectory()
        let (input, _) = try ReplaySample.file(directory, 3000)
        let port = Self.closedPort
        let runs: [(String, [String])] = [
            ("otel", ["--set", "endpoint=http://127.0.0.1:\(port)", "--set", "batchConfig.maxExportBatchSize=20"]),
            (
                "otel",
                [
                    "--set", "protocol=grpc", "--set", "endpoint=http://127.0.0.1:\(port)", "--set",
                    "batchConfig.maxExportBatchSize=20",
                ]
            ),
            (
                "custom",
                ["--set", "endpoint=http://127.0.0.1:\(port)/hook", "--set", "batchSize=20", "--set", "timeoutMs=5000"]
            ),
            (
                "axiom",
                [
                    "--set", "url=http://127.0.0.1:\(port)", "--set", "token=xaat-secret", "--set", "batchSize=20",
                    "--set", "timeoutMs=5000",
                ]
            ),
        ]
        var started: [(String, Process, Pipe)] = []
        let clock = ContinuousClock()
        let start = clock.now
        for (provider, options) in runs {
            let process = Process()
            process.executableURL = CLI.executable
            process.arguments = ["replay", "--to", provider] + options + [input]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            started.append(("\(provider) \(options.first { $0.hasPrefix("protocol=") } ?? "")", process, errors))
        }
        for (name, process, errors) in started {
            // 80 s of retries plus one request timeout is the bound; on a busy machine allow some slack.
            try await process.waitForExit(timeout: .seconds(150))
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 4, "\(name): \(stderr)")
            #expect(stderr.contains("gave up after"), "\(name): \(stderr)")
            #expect(stderr.contains("3000"), "\(name): the summary should count every event as given up: \(stderr)")
            #expect(!stderr.contains("secret"))
        }
        #expect(clock.now - start < .seconds(150))
    }
}
