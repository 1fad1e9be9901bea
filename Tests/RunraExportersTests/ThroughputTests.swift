import Foundation
import RunraEvents
import RunraReplay
import Testing

@testable import RunraExporters

/// A rough throughput probe, off by default: `RUNRA_NET_BENCH=200000 swift test --filter ThroughputTests`
/// (meaningful only in a release build with `-enable-testing`). Prints events/s; asserts only delivery.
@Suite(
    .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["RUNRA_NET_BENCH"] != nil),
    .timeLimit(.minutes(10))
)
struct ThroughputTests {
    let count = Int(ProcessInfo.processInfo.environment["RUNRA_NET_BENCH"] ?? "") ?? 200_000

    func events() -> [RuntimeEvent] {
        let generator = EventLogGenerator(seed: 7)
        return (0..<count).map { _ in
            var line = generator.nextLine()
            if line.last == UInt8(ascii: "\n") { line.removeLast() }
            return try! RuntimeEvent(line: line)
        }
    }

    func measure(
        _ name: String,
        _ exporter: any EventExporter,
        _ values: [String: JSONValue],
        batch: Int,
        key: String
    ) async throws {
        let server = try IngestServer(arguments: ["--quiet"])
        var values = values
        values[values["url"] != nil ? "url" : values["endpoint"] != nil ? "endpoint" : "url"] = .string(server.base)
        try await exporter.initialize(configuration: configuration(values, environment: ["AXIOM_TOKEN": "xaat-bench"]))
        let events = events()
        let clock = ContinuousClock()
        let started = clock.now
        var rejected = 0
        for start in stride(from: 0, to: events.count, by: batch) {
            let outcome = try await exporter.export(Array(events[start..<min(start + batch, events.count)]))
            rejected += outcome.rejected.count
        }
        try await exporter.flush()
        let seconds = (clock.now - started).seconds
        await exporter.dispose()
        let stats = try await server.stats()
        await server.stop()
        print(
            "\(name): \(count) events in \(String(format: "%.2f", seconds)) s = \(Int(Double(count) / seconds)) "
                + "events/s; server \(stats)"
        )
        #expect(rejected == 0)
        #expect((stats[key] ?? 0) >= count / 3)
    }

    @Test func axiom() async throws {
        try await measure("axiom", AxiomExporter(), ["url": "", "batchSize": 5000], batch: 10_000, key: "lines")
    }

    @Test func otlpProtobuf() async throws {
        try await measure(
            "otel http/protobuf",
            OTLPExporter(),
            ["endpoint": "", "batchConfig": ["maxExportBatchSize": 2048, "maxQueueSize": 8192]],
            batch: 8192,
            key: "logs"
        )
    }

    @Test func custom() async throws {
        try await measure(
            "custom gzip",
            CustomExporter(),
            ["endpoint": "", "batchSize": 5000, "compression": "gzip"],
            batch: 10_000,
            key: "events"
        )
    }
}
