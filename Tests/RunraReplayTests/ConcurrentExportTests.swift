import Foundation
import RunraEvents
import RunraReplay
import RunraTestSupport
import Testing

/// An exporter that allows `limit` exports at once, makes early batches slower than later ones (so
/// they finish out of order), refuses `sandbox.error` events, and records how many ran at once.
final class OverlappingExporter: EventExporter, @unchecked Sendable {
    let id = "overlapping"
    let maximumConcurrentExports: Int
    private let lock = NSLock()
    private var running = 0
    private var calls = 0
    private(set) var mostAtOnce = 0
    private(set) var received: [String] = []

    init(limit: Int) { maximumConcurrentExports = limit }

    func initialize(configuration: ExporterConfiguration) async throws {}

    func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome {
        let call = lock.withLock {
            running += 1
            mostAtOnce = max(mostAtOnce, running)
            calls += 1
            return calls
        }
        try await Task.sleep(for: .milliseconds(10 * (4 - call % 4)))
        lock.withLock {
            running -= 1
            received += events.map { String(decoding: $0.line, as: UTF8.self) }
        }
        let refused = events.filter { $0.type == "sandbox.error" }
        return ExportOutcome(rejected: refused.map { RejectedEvent(event: $0, reason: "refused", status: "400") })
    }

    func flush() async throws {}
    func dispose() async {}
}

@Suite struct ConcurrentExportTests {
    /// Several batches in flight, finishing out of order: the dead letters, the checkpoint and the
    /// summary still follow batch order, and nothing is lost or sent twice.
    @Test(arguments: [1, 4])
    func exportsOverlapUpToTheExportersLimit(limit: Int) async throws {
        let folder = try TemporaryDirectory()
        let lines = Sample.lines(200)
        let input = try folder.write("in.jsonl", lines: lines)
        let exporter = OverlappingExporter(limit: limit)
        var options = ReplayOptions()
        options.deadLetterPath = folder.path("dead.jsonl")
        options.checkpointPath = folder.path("ckpt.json")
        let target = ReplayTarget(label: "overlapping", exporter: exporter, batchSize: 10, flushInterval: .seconds(60))
        let report = try await ReplayEngine(targets: [target], options: options).run(
            .events(EventBatchReader(paths: [input]))
        )

        if limit == 1 { #expect(exporter.mostAtOnce == 1) } else { #expect((2...limit).contains(exporter.mostAtOnce)) }
        #expect(exporter.received.sorted() == lines.sorted())
        let rejected = lines.filter { $0.contains(#""type":"sandbox.error""#) }
        #expect(!rejected.isEmpty)
        let records = try String(contentsOfFile: folder.path("dead.jsonl"), encoding: .utf8).split(separator: "\n").map(
            String.init
        )
        #expect(
            records == rejected.map { #"{"exporter":"overlapping","reason":"refused","status":"400","line":\#($0)}"# }
        )
        #expect(report.exporters[0].sent == 200 - rejected.count)
        #expect(report.exporters[0].rejected == rejected.count)
        #expect(report.checkpoint == EventPosition(input: 0, line: 200))
    }
}
