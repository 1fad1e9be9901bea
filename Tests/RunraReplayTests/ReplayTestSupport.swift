import Foundation
import RunraEvents
import RunraReplay

/// Records every batch it gets; optionally refuses, throws or waits at a gate.
final class RecordingExporter: EventExporter, @unchecked Sendable {
    let id: String
    private let lock = NSLock()
    private var batches: [[RuntimeEvent]] = []
    private(set) var disposals = 0
    var rejects: (@Sendable (RuntimeEvent) -> Bool)?
    var throwsAlways = false
    /// The next this many exports throw (a sink that is down for a while).
    var failuresLeft = 0
    /// Requests a failing export says it sent again before giving up (an ``ExportFailure`` when above 0).
    var retriesBeforeGivingUp = 0
    private(set) var retryPreparations = 0
    /// Batches after this many wait for ``release()`` and then throw.
    var hangAfterBatches: Int?
    private var gate: CheckedContinuation<Void, Never>?
    private var released = false

    init(id: String = "memory") { self.id = id }

    var events: [RuntimeEvent] { lock.withLock { batches.flatMap { $0 } } }
    var lines: [String] { events.map { String(decoding: $0.line, as: UTF8.self) } }
    var batchSizes: [Int] { lock.withLock { batches.map(\.count) } }

    func release() {
        let gate = lock.withLock {
            released = true
            let gate = self.gate
            self.gate = nil
            return gate
        }
        gate?.resume()
    }

    /// Thrown by ``initialize(configuration:)`` (a sink that is down, or a configuration it refuses).
    var initializationError: RunraError?

    func initialize(configuration: ExporterConfiguration) async throws {
        if let initializationError { throw initializationError }
    }

    func export(_ events: [RuntimeEvent]) async throws -> ExportOutcome {
        if throwsAlways { throw refused() }
        if lock.withLock({ () -> Bool in
            guard failuresLeft > 0 else { return false }
            failuresLeft -= 1
            return true
        }) {
            throw refused()
        }
        if let hangAfterBatches, lock.withLock({ batches.count }) >= hangAfterBatches {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = lock.withLock {
                    if released { return true }
                    gate = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            throw RunraError(.exporter, "\(id): killed")
        }
        lock.withLock { batches.append(events) }
        let refused = events.filter { rejects?($0) ?? false }.map {
            RejectedEvent(event: $0, reason: "refused by test", status: "400")
        }
        return ExportOutcome(rejected: refused, bytesSent: events.reduce(0) { $0 + $1.line.count })
    }

    private func refused() -> any Error {
        let error = RunraError(.exporter, "\(id): connection refused")
        return retriesBeforeGivingUp > 0 ? ExportFailure(error, retries: retriesBeforeGivingUp) : error
    }

    func flush() async throws {}
    func dispose() async { lock.withLock { disposals += 1 } }
    func prepareToRetry() { lock.withLock { retryPreparations += 1 } }
}

/// A clock whose sleeps advance it at once, recording each.
final class ManualClock: ReplayClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current = Duration.zero
    private(set) var sleeps: [Duration] = []
    func now() -> Duration { lock.withLock { current } }
    func sleep(for duration: Duration) async throws {
        lock.withLock {
            current += duration
            sleeps.append(duration)
        }
    }
    var slept: Duration { lock.withLock { sleeps.reduce(.zero, +) } }
}

enum Sample {
    /// `count` events cycling through a few types, `gapMs` apart; every 7th exec.completed fails.
    static func lines(_ count: Int, gapMs: Int = 10) -> [String] {
        let types = [
            "sandbox.created", "exec.completed", "agent.tool_call", "file.read", "exec.completed", "sandbox.error",
            "agent.thinking",
        ]
        return (0..<count).map { index in
            let type = types[index % types.count]
            let millis = index * gapMs
            let time = String(
                format: "2026-06-15T10:%02d:%02d.%03dZ",
                (millis / 60000) % 60,
                (millis / 1000) % 60,
                millis % 1000
            )
            let data =
                type == "exec.completed"
                ? #"{"command":"make","exitCode":\#(index % 3 == 0 ? 1 : 0)}"# : #"{"n":\#(index)}"#
            return
                #"{"id":"evt_\#(index)","timestamp":"\#(time)","type":"\#(type)","sandboxId":"sb_\#(index % 4)","#
                + #""runId":"run_1","data":\#(data)}"#
        }
    }

    static func events(_ count: Int, gapMs: Int = 10) -> [RuntimeEvent] {
        lines(count, gapMs: gapMs).map { try! RuntimeEvent($0) }
    }
}

/// A registry with the local exporters and placeholders for the others (keys as in SPEC §7).
func testRegistry() -> ExporterRegistry {
    var registry = ExporterRegistry()
    registry.registerLocalExporters()
    let others: [(String, [String])] = [
        ("axiom", ["token", "dataset", "url", "batchSize", "flushIntervalMs", "compression"]),
        (
            "otel",
            [
                "endpoint", "protocol", "headers", "serviceName", "serviceVersion", "spanProcessor", "batchConfig",
                "batchConfig.maxQueueSize", "batchConfig.maxExportBatchSize", "batchConfig.scheduleDelayMs",
            ]
        ),
        (
            "postgres",
            [
                "connectionString", "table", "schema", "batchSize", "flushIntervalMs", "createTable", "useJsonColumn",
                "ssl",
            ]
        ),
        ("custom", ["endpoint", "headers", "method"]),
        ("memory", []),
    ]
    for (id, keys) in others {
        registry.register(ExporterRegistry.Registration(id: id, configurationKeys: keys) { RecordingExporter(id: id) })
    }
    return registry
}
