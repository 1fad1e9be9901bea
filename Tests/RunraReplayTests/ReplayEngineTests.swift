import Foundation
import RunraEvents
import RunraReplay
import RunraTestSupport
import Testing

@Suite struct ReplayEngineTests {
    func target(
        _ exporter: RecordingExporter,
        _ filter: ExporterFilter = ExporterFilter(),
        batchSize: Int = 16
    ) -> ReplayTarget {
        ReplayTarget(
            label: exporter.id,
            exporter: exporter,
            filter: filter,
            batchSize: batchSize,
            flushInterval: .seconds(5)
        )
    }

    @Test func fourExportersGetExactlyTheirSubsets() async throws {
        let events = Sample.events(500)
        let all = RecordingExporter(id: "all")
        let exec = RecordingExporter(id: "exec")
        let failed = RecordingExporter(id: "failed")
        let errors = RecordingExporter(id: "errors")
        let engine = ReplayEngine(targets: [
            target(all),
            target(exec, ExporterFilter(types: [Glob("exec.*"), Glob("sandbox.created")]), batchSize: 7),
            target(
                failed,
                ExporterFilter(
                    types: [Glob("exec.completed")],
                    condition: try Expression(parsing: "data.exitCode != 0")
                )
            ),
            target(errors, ExporterFilter(minimumLevel: .error), batchSize: 1),
        ])
        let report = try await engine.run(.memory(events))
        func lines(_ predicate: (RuntimeEvent) -> Bool) -> [[UInt8]] { events.filter(predicate).map(\.line) }
        #expect(all.events.map(\.line) == events.map(\.line))
        #expect(exec.events.map(\.line) == lines { $0.type.hasPrefix("exec.") || $0.type == "sandbox.created" })
        #expect(
            failed.events.map(\.line)
                == lines { $0.type == "exec.completed" && $0.data.value(at: JSONPath(keys: "exitCode")) != .number(0) }
        )
        #expect(errors.events.map(\.line) == lines { $0.level == .error })
        #expect(!failed.events.isEmpty && !errors.events.isEmpty && errors.events.count != failed.events.count)
        #expect(exec.batchSizes.allSatisfy { $0 <= 7 })
        #expect(report.exporters.map(\.sent) == [all, exec, failed, errors].map(\.events.count))
        #expect(report.exporters[1].filteredOut == events.count - exec.events.count)
        #expect([all, exec, failed, errors].allSatisfy { $0.disposals == 1 })
        #expect(!report.exportersFailed)
    }

    @Test func dryRunCountsAndSendsNothing() async throws {
        let events = Sample.events(70)
        let all = RecordingExporter(id: "all")
        let agents = RecordingExporter(id: "agents")
        var options = ReplayOptions()
        options.dryRun = true
        let engine = ReplayEngine(
            targets: [target(all), target(agents, ExporterFilter(types: [Glob("agent.*")]))],
            options: options
        )
        let report = try await engine.run(.memory(events))
        #expect(all.events.isEmpty && agents.events.isEmpty)
        #expect(report.exporters.map(\.sent) == [70, 20])
        #expect(report.exporters.map(\.filteredOut) == [0, 50])
        #expect(report.dryRun)
    }

    @Test func realtimeKeepsTheGapsScaled() async throws {
        let events = Sample.events(21, gapMs: 50)  // 1 s from first to last
        let clock = ManualClock()
        var options = ReplayOptions()
        options.speed = .realtime(100)
        options.clock = clock
        let exporter = RecordingExporter()
        let report = try await ReplayEngine(targets: [target(exporter)], options: options).run(.memory(events))
        #expect(exporter.events.map(\.line) == events.map(\.line))
        #expect(report.exporters[0].sent == 21)
        #expect(clock.slept == .milliseconds(10))
        #expect(clock.sleeps.count >= 20)
    }

    @Test func oneExporterThrowingDoesNotStopAnother() async throws {
        let events = Sample.events(300)
        let broken = RecordingExporter(id: "broken")
        broken.throwsAlways = true
        let good = RecordingExporter(id: "good")
        let folder = try TemporaryDirectory()
        var options = ReplayOptions()
        options.deadLetterPath = folder.path("dead.jsonl")
        let report = try await ReplayEngine(targets: [target(broken), target(good)], options: options).run(
            .memory(events)
        )
        #expect(good.events.map(\.line) == events.map(\.line))
        #expect(report.exporters[0].givenUp == 300 && report.exporters[0].sent == 0)
        #expect(report.exporters[0].deadLettered == 300)
        #expect(report.exporters[1].sent == 300 && !report.exporters[1].failed)
        #expect(report.exportersFailed)
        let records = try String(contentsOfFile: folder.path("dead.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(records.count == 300)
        #expect(
            records[0].hasPrefix(
                #"{"exporter":"broken","reason":"gave up: broken: connection refused","status":null,"line":{"#
            )
        )
    }

    @Test func rejectedEventsAreDeadLetteredAndResent() async throws {
        let folder = try TemporaryDirectory()
        let lines = Sample.lines(200)
        let input = try folder.write("in.jsonl", lines: lines)
        let picky = RecordingExporter(id: "picky")
        picky.rejects = { $0.type == "sandbox.error" }
        let other = RecordingExporter(id: "other")
        var options = ReplayOptions()
        options.deadLetterPath = folder.path("dead.jsonl")
        let report = try await ReplayEngine(targets: [target(picky), target(other)], options: options)
            .run(.events(EventBatchReader(paths: [input])))
        let rejected = lines.filter { $0.contains(#""type":"sandbox.error""#) }
        #expect(report.exporters[0].rejected == rejected.count && report.exporters[0].deadLettered == rejected.count)
        #expect(report.exporters[0].sent == 200 - rejected.count)
        #expect(report.exportersFailed)
        let records = try String(contentsOfFile: folder.path("dead.jsonl"), encoding: .utf8).split(separator: "\n").map(
            String.init
        )
        #expect(
            records == rejected.map { #"{"exporter":"picky","reason":"refused by test","status":"400","line":\#($0)}"# }
        )

        // Resend: each record goes to the exporter it names.
        let picky2 = RecordingExporter(id: "picky")
        let other2 = RecordingExporter(id: "other")
        let again = try await ReplayEngine(targets: [target(other2), target(picky2)]).run(
            .deadLetters(path: folder.path("dead.jsonl"))
        )
        #expect(picky2.lines == rejected)
        #expect(other2.events.isEmpty)
        #expect(again.exporters[1].sent == rejected.count && !again.exportersFailed)
    }

    @Test func checkpointResumesWithExactlyTheRestAfterAnExporterDies() async throws {
        let folder = try TemporaryDirectory()
        let lines = Sample.lines(100)
        let input = try folder.write("in.jsonl", lines: lines)
        let checkpoint = folder.path("ckpt.json")
        var options = ReplayOptions()
        options.checkpointPath = checkpoint
        options.checkpointInterval = .milliseconds(10)
        let dying = RecordingExporter(id: "dying")
        dying.hangAfterBatches = 3
        let engine = ReplayEngine(
            targets: [ReplayTarget(label: "dying", exporter: dying, batchSize: 10, flushInterval: .seconds(60))],
            options: options
        )
        let run = Task { try await engine.run(.events(EventBatchReader(paths: [input]))) }
        // Wait for the checkpoint of the three acknowledged batches, then take it as the state after a crash.
        var saved: ReplayCheckpoint?
        for _ in 0..<500 {
            if let current = try? ReplayCheckpoint.load(path: checkpoint), current.line == 30 {
                saved = current
                break
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let crashed = try #require(saved)
        try crashed.write(to: folder.path("crashed.json"))
        #expect(dying.lines == Array(lines.prefix(30)))
        dying.release()
        _ = try await run.value

        var resumeOptions = ReplayOptions()
        resumeOptions.checkpointPath = folder.path("crashed.json")
        let fresh = RecordingExporter(id: "fresh")
        let report = try await ReplayEngine(targets: [target(fresh, batchSize: 10)], options: resumeOptions)
            .run(.events(EventBatchReader(paths: [input])))
        #expect(fresh.lines == Array(lines.dropFirst(30)))
        #expect(report.resumedAfter == EventPosition(input: 0, line: 30))
        #expect(report.checkpoint == EventPosition(input: 0, line: 100))
        #expect(try ReplayCheckpoint.load(path: folder.path("crashed.json"))?.line == 100)
    }

    @Test func checkpointRefusesDifferentInput() async throws {
        let folder = try TemporaryDirectory()
        let input = try folder.write("in.jsonl", lines: Sample.lines(20))
        var options = ReplayOptions()
        options.checkpointPath = folder.path("ckpt.json")
        _ = try await ReplayEngine(targets: [target(RecordingExporter())], options: options).run(
            .events(EventBatchReader(paths: [input]))
        )
        _ = try folder.write("in.jsonl", lines: Sample.lines(20).reversed())
        await #expect {
            try await ReplayEngine(targets: [target(RecordingExporter())], options: options).run(
                .events(EventBatchReader(paths: [input]))
            )
        } throws: { error in
            "\(error)".contains("was written for different input") && "\(error)".contains("in.jsonl")
        }
    }

    @Test func interruptFlushesAndCheckpointsWhatWasDispatched() async throws {
        let folder = try TemporaryDirectory()
        let lines = Sample.lines(3000, gapMs: 1)
        let input = try folder.write("in.jsonl", lines: lines)
        var options = ReplayOptions()
        options.checkpointPath = folder.path("ckpt.json")
        options.speed = .realtime(1)  // 3 s in all: interrupted long before the end
        let exporter = RecordingExporter()
        let engine = ReplayEngine(
            targets: [ReplayTarget(label: "memory", exporter: exporter, batchSize: 50, flushInterval: .seconds(60))],
            options: options
        )
        let run = Task { try await engine.run(.events(EventBatchReader(paths: [input]))) }
        // Interrupt once something was delivered (a loaded machine may take a while to get there).
        for _ in 0..<1000 where exporter.lines.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        engine.interrupt()
        let report = try await run.value
        #expect(report.interrupted)
        let delivered = exporter.lines
        #expect(!delivered.isEmpty && delivered.count < lines.count)
        #expect(delivered == Array(lines.prefix(delivered.count)))
        #expect(report.checkpoint == EventPosition(input: 0, line: delivered.count))
        #expect(try ReplayCheckpoint.load(path: folder.path("ckpt.json"))?.line == delivered.count)
    }

    /// SPEC §10: a configuration error gets no better by waiting; even a shipper stops before reading.
    @Test func aConfigurationErrorAtInitializeStopsEvenAShipper() async throws {
        let refusing = RecordingExporter(id: "refusing")
        refusing.initializationError = RunraError(.configuration, "config.mode: expected \"a\" or \"b\", got \"c\"")
        let good = RecordingExporter(id: "good")
        var options = ReplayOptions()
        options.keepsTrying = true
        let engine = ReplayEngine(targets: [target(refusing), target(good)], options: options)
        await #expect(throws: RunraError.self) { try await engine.run(.memory(Sample.events(50))) }
        do {
            _ = try await ReplayEngine(targets: [target(refusing), target(good)], options: options).run(
                .memory(Sample.events(50))
            )
        } catch let error as RunraError {
            #expect(error.code == .configuration)
            #expect(error.message == #"refusing: config.mode: expected "a" or "b", got "c""#)
        }
        #expect(good.events.isEmpty)
        #expect(good.disposals >= 1 && refusing.disposals >= 1)
    }
}
