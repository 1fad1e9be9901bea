public import RunraEvents

/// The checks every exporter must pass; each exporter's tests call ``check(make:configuration:events:readBack:)``
/// and expect no problems.
public enum ExporterConformance {
    /// Runs the exporter lifecycle against a fresh exporter from `make` and returns the problems found (empty when it
    /// conforms): `initialize` succeeds; `flush` with nothing pending succeeds; `export` of `events` returns, without
    /// refusing events it was not given; `flush` succeeds; `dispose` twice is harmless; and, when `readBack` can read
    /// the destination, it holds the exported lines in order.
    public static func check(
        make: @Sendable () -> any EventExporter,
        configuration: ExporterConfiguration,
        events: [RuntimeEvent]? = nil,
        readBack: (@Sendable () async throws -> [[UInt8]])? = nil
    ) async -> [String] {
        var problems: [String] = []
        let exporter = make()
        let id = exporter.id
        if id.isEmpty || id != id.lowercased() { problems.append("id \(JSONText.quoted(id)) must be non-empty and lowercase") }
        do {
            try await exporter.initialize(configuration: configuration)
        } catch {
            problems.append("initialize failed: \(error)")
            await exporter.dispose()
            return problems
        }
        do { try await exporter.flush() } catch { problems.append("flush with nothing pending failed: \(error)") }
        let batch = events ?? sampleEvents
        do {
            let first = try await exporter.export(Array(batch.prefix(batch.count / 2)))
            let second = try await exporter.export(Array(batch.dropFirst(batch.count / 2)))
            let lines = Set(batch.map(\.line))
            for outcome in [first, second] {
                if outcome.rejected.contains(where: { !lines.contains($0.event.line) }) {
                    problems.append("export refused an event it was not given")
                }
                if outcome.rejected.count + outcome.rejectedWithoutDetail > batch.count || outcome.retries < 0 || outcome.bytesSent < 0 {
                    problems.append("export returned impossible counts")
                }
            }
        } catch {
            problems.append("export after initialize failed: \(error)")
        }
        do { try await exporter.flush() } catch { problems.append("flush after export failed: \(error)") }
        await exporter.dispose()
        await exporter.dispose()
        if let readBack {
            do {
                let stored = try await readBack()
                if stored != batch.map(\.line) {
                    problems.append("the destination holds \(stored.count) lines, not the \(batch.count) exported in order")
                }
            } catch {
                problems.append("reading the destination back failed: \(error)")
            }
        }
        return problems
    }

    /// A few events of different types, in order.
    public static var sampleEvents: [RuntimeEvent] {
        let lines = [
            #"{"id":"evt_c1","timestamp":"2026-06-15T10:30:00.000Z","type":"sandbox.created","sandboxId":"sb_1","runId":"run_1","data":{"image":"node:22"}}"#,
            #"{"id":"evt_c2","timestamp":"2026-06-15T10:30:01.000Z","type":"exec.completed","sandboxId":"sb_1","runId":"run_1","data":{"command":"npm test","exitCode":1,"durationMs":1200}}"#,
            #"{"id":"evt_c3","timestamp":"2026-06-15T10:30:02.000Z","type":"agent.tool_call","sandboxId":"sb_1","runId":"run_1","data":{"tool":"read_file","args":{"path":"a b.txt"}}}"#,
            #"{"id":"evt_c4","timestamp":"2026-06-15T10:30:03.500Z","type":"sandbox.terminated","sandboxId":"sb_1","runId":"run_1","data":{"reason":"done","note":"é \u0041"}}"#,
        ]
        return lines.compactMap { try? RuntimeEvent($0) }
    }
}
