import Foundation
import RunraEvents
import RunraReplay
import Testing

/// The summary's `retried` counts every request sent again: those of a batch the exporter then gave up on, and
/// with `--follow` those of each failed attempt before the batch got through.
@Suite struct RetriedCountTests {
    func target(_ exporter: RecordingExporter) -> ReplayTarget {
        ReplayTarget(label: exporter.id, exporter: exporter, batchSize: 16, flushInterval: .milliseconds(10))
    }

    @Test func aBatchGivenUpStillCountsItsRetries() async throws {
        let exporter = RecordingExporter(id: "sink")
        exporter.throwsAlways = true
        exporter.retriesBeforeGivingUp = 3
        let report = try await ReplayEngine(targets: [target(exporter)]).run(.memory(Sample.events(100)))
        // 100 events in batches of 16: 7 batches, each sent again 3 times before it was given up.
        #expect(report.exporters[0].givenUp == 100)
        #expect(report.exporters[0].retried == 21)
    }

    @Test func aShipperCountsTheRetriesOfTheAttemptsThatFailed() async throws {
        let exporter = RecordingExporter(id: "sink")
        exporter.failuresLeft = 2
        exporter.retriesBeforeGivingUp = 3
        var options = ReplayOptions()
        options.keepsTrying = true
        options.firstRetryWait = .milliseconds(5)
        let report = try await ReplayEngine(targets: [target(exporter)], options: options).run(
            .memory(Sample.events(100))
        )
        // Two attempts of the first batch gave up after 3 retries each, and the engine sent it twice more.
        #expect(report.exporters[0].sent == 100)
        #expect(report.exporters[0].retried == 3 + 1 + 3 + 1)
    }
}
