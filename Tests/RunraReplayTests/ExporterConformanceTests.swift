import Foundation
import RunraEvents
import RunraReplay
import RunraTestSupport
import Testing

@Suite struct ExporterConformanceTests {
    @Test func jsonlConforms() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("sub/out.jsonl")
        let problems = await ExporterConformance.check(
            make: { JSONLExporter() },
            configuration: ExporterConfiguration(values: ["filePath": .string(path), "append": .bool(false)]),
            readBack: {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                return text.split(separator: "\n").map { Array($0.utf8) }
            }
        )
        #expect(problems == [])
    }

    @Test func consoleConforms() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("console.out")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let problems = await ExporterConformance.check(
            make: { ConsoleExporter(fileDescriptor: fd) },
            configuration: ExporterConfiguration(values: ["format": .string("json")]),
            readBack: {
                try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
            }
        )
        #expect(problems == [])
    }

    @Test func theCheckFindsABrokenExporter() async {
        let problems = await ExporterConformance.check(
            make: {
                let exporter = RecordingExporter(id: "Broken")
                exporter.throwsAlways = true
                return exporter
            },
            configuration: ExporterConfiguration()
        )
        #expect(problems.contains { $0.hasPrefix("id \"Broken\" must be") })
        #expect(problems.contains { $0.hasPrefix("export after initialize failed") })
    }

    @Test func consolePrettyHonoursLevelAndTimestamp() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("console.out")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let exporter = ConsoleExporter(fileDescriptor: fd)
        try await exporter.initialize(
            configuration: ExporterConfiguration(
                values: ["level": .string("error"), "includeTimestamp": .bool(false)],
                environment: ["FORCE_COLOR": "1", "NO_COLOR": "1"]
            )
        )
        _ = try await exporter.export(ExporterConformance.sampleEvents)
        await exporter.dispose()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "ERROR exec.completed sb_1 run_1 command=\"npm test\" exitCode=1 durationMs=1200\n")
    }
}
