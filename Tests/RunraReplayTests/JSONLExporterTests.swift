import Foundation
import RunraEvents
import RunraReplay
import RunraTestSupport
import Testing

/// The jsonl exporter when its file becomes unopenable after the configuration was checked (a folder made at its
/// path meanwhile): that exporter fails with the path and the reason, and the others deliver everything (issue
/// #25; before, the writer freed its buffer twice and the whole process died of SIGSEGV).
@Suite struct JSONLExporterTests {
    @Test func aFileThatCannotBeOpenedFailsOnlyItsExporter() async throws {
        let folder = try TemporaryDirectory()
        let blocked = folder.path("out.jsonl")
        try FileManager.default.createDirectory(atPath: blocked, withIntermediateDirectories: false)
        let configuration = ExporterConfiguration(values: ["filePath": .string(blocked)])
        let failing = ReplayTarget(label: "jsonl", exporter: JSONLExporter(), configuration: configuration)
        let recording = RecordingExporter(id: "sink")
        let events = Sample.events(50)
        let report = try await ReplayEngine(targets: [failing, ReplayTarget(label: "sink", exporter: recording)])
            .run(.memory(events))
        #expect(recording.events.map(\.line) == events.map(\.line))
        #expect(report.exportersFailed)
        let failure = report.exporters[0].failures.joined(separator: "\n")
        #expect(failure.contains("\(blocked): Is a directory"), "\(failure)")
        #expect(failure.contains("set filePath to a file that runra-events may create or append to"), "\(failure)")
        #expect(report.exporters[0].givenUp == 50)
    }
}
