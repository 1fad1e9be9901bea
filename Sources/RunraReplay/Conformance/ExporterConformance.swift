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
        if id.isEmpty || id != id.lowercased() {
            problems.append("id \(JSONText.quoted(id)) must be non-empty and lowercase")
        }
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
                if outcome.rejected.count + outcome.rejectedWithoutDetail > batch.count || outcome.retries < 0
                    || outcome.bytesSent < 0
                {
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
                    problems.append(
                        "the destination holds \(stored.count) lines, not the \(batch.count) exported in order"
                    )
                }
            } catch {
                problems.append("reading the destination back failed: \(error)")
            }
        }
        return problems
    }

    /// The checks of ``ExportAcknowledgement/onFlush(interval:)`` for an exporter from `make` (empty when it
    /// conforms): it declares a positive interval; what it was given is not at the destination before `flush`
    /// and is after it; and a second exporter (a restarted run) given again, with the same origins, batches the first
    /// one flushed (a crash before the checkpoint was written) leaves each event there once. `readBack` returns
    /// the lines at the destination in any order.
    public static func checkHeldUntilFlush(
        make: @Sendable () -> any EventExporter,
        configuration: ExporterConfiguration,
        readBack: @Sendable () async throws -> [[UInt8]]
    ) async -> [String] {
        var problems: [String] = []
        let batch = sampleEvents
        let halves = [Array(batch.prefix(batch.count / 2)), Array(batch.dropFirst(batch.count / 2))]
        let origins = [BatchOrigin(key: "conformance-1"), BatchOrigin(key: "conformance-2")]
        let first = make()
        guard case .onFlush(let interval) = first.acknowledgement, interval > .zero else {
            return ["acknowledgement must be .onFlush with a positive interval"]
        }
        do {
            try await first.initialize(configuration: configuration)
            _ = try await first.export(halves[0], origin: origins[0])
            if try await !readBack().isEmpty { problems.append("events were at the destination before flush") }
            try await first.flush()
            _ = try await first.export(halves[1], origin: origins[1])
            try await first.flush()
            if try await !holdsEachOnce(readBack(), batch) {
                problems.append("after flush the destination does not hold each exported event once")
            }
        } catch {
            problems.append("export and flush failed: \(error)")
        }
        await first.dispose()
        let restarted = make()
        do {
            try await restarted.initialize(configuration: configuration)
            _ = try await restarted.export(halves[1], origin: origins[1])
            try await restarted.flush()
            if try await !holdsEachOnce(readBack(), batch) {
                problems.append("a batch exported again with its origin after a restart is at the destination twice")
            }
        } catch {
            problems.append("a restarted exporter failed: \(error)")
        }
        await restarted.dispose()
        return problems
    }

    /// Whether `stored` (in any order) is exactly the lines of `events`, each once.
    private static func holdsEachOnce(_ stored: [[UInt8]], _ events: [RuntimeEvent]) -> Bool {
        stored.sorted(by: lexicographicallyPrecedes) == events.map(\.line).sorted(by: lexicographicallyPrecedes)
    }

    private static func lexicographicallyPrecedes(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        left.lexicographicallyPrecedes(right)
    }

    /// A few events of different types, in order.
    public static var sampleEvents: [RuntimeEvent] {
        let lines = [
            #"{"id":"evt_c1","timestamp":"2026-06-15T10:30:00.000Z","type":"sandbox.created","#
                + #""sandboxId":"sb_1","runId":"run_1","data":{"image":"node:22"}}"#,
            #"{"id":"evt_c2","timestamp":"2026-06-15T10:30:01.000Z","type":"exec.completed","#
                + #""sandboxId":"sb_1","runId":"run_1","data":{"command":"npm test","exitCode":1,"durationMs":1200}}"#,
            #"{"id":"evt_c3","timestamp":"2026-06-15T10:30:02.000Z","type":"agent.tool_call","#
                + #""sandboxId":"sb_1","runId":"run_1","data":{"tool":"read_file","args":{"path":"a b.txt"}}}"#,
            #"{"id":"evt_c4","timestamp":"2026-06-15T10:30:03.500Z","type":"sandbox.terminated","#
                + #""sandboxId":"sb_1","runId":"run_1","data":{"reason":"done","note":"é \u0041"}}"#,
        ]
        return lines.compactMap { try? RuntimeEvent($0) }
    }
}
