import Foundation
import RunraEvents
import RunraReplay
import RunraTestSupport
import Testing

@testable import RunraExporters

/// A running `Tests/Servers/ingest_server.py` on 127.0.0.1, stopped by ``stop()``.
final class IngestServer: @unchecked Sendable {
    let port: Int
    /// The OTLP/gRPC port, when started with `--grpc`.
    let grpcPort: Int?
    /// The self-signed certificate of the gRPC port, when started with `--grpc-tls`.
    let grpcCertificate: String?
    private let server: IngestServerProcess
    private var process: Process { server.process }
    private let control = AsyncHTTPTransport(connectionsPerHost: 1)

    var base: String { "http://127.0.0.1:\(port)" }
    var grpcBase: String { "http://127.0.0.1:\(grpcPort ?? 0)" }

    init(arguments: [String] = []) throws {
        server = try IngestServerProcess(arguments: arguments)
        let words = server.startLine
        port = server.port
        grpcPort = words.count >= 4 && words[2] == "GRPC" ? Int(words[3]) : nil
        grpcCertificate = words.count == 6 && words[4] == "TLS" ? String(words[5]) : nil
    }

    func stop() async {
        await control.shutdown()
        server.closeInput()  // the server exits when its stdin closes
        // Never block a cooperative thread in `Process.waitUntilExit()`: it can hang on Linux, and with two
        // cores two such waits stall every other test. Poll without blocking, then kill if it lingers.
        for attempt in 0..<200 {
            if !process.isRunning { return }
            if attempt == 100 { process.terminate() }
            try? await Task.sleep(for: .milliseconds(20))
        }
        kill(process.processIdentifier, SIGKILL)
    }

    /// Queues scripted responses.
    func script(_ responses: [[String: Any]]) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["responses": responses])
        _ = try await control.send(
            HTTPRequest(
                method: "POST",
                url: base + "/_control/script",
                headers: [],
                body: Array(body),
                timeout: .seconds(10)
            )
        )
    }

    /// Every request the server saw.
    func requests() async throws -> [[String: Any]] {
        let response = try await control.send(
            HTTPRequest(method: "GET", url: base + "/_control/requests", headers: [], body: [], timeout: .seconds(10))
        )
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as! [String: Any]
        return object["requests"] as! [[String: Any]]
    }

    /// Counts of accepted lines, events, spans and logs.
    func stats() async throws -> [String: Int] {
        let response = try await control.send(
            HTTPRequest(method: "GET", url: base + "/_control/stats", headers: [], body: [], timeout: .seconds(10))
        )
        return try JSONSerialization.jsonObject(with: Data(response.body)) as! [String: Int]
    }
}

/// Runs `body` with a fresh server, stopping it afterwards.
func withIngestServer(arguments: [String] = [], _ body: (IngestServer) async throws -> Void) async throws {
    let server = try IngestServer(arguments: arguments)
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

/// Records the waits a retry policy asks for, without waiting.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Duration] = []

    var waits: [Double] { lock.synchronized { recorded.map(\.seconds) } }

    /// A policy that records instead of sleeping, with a fixed clock and no jitter. Its waits are not real, so its
    /// elapsed bound is 300 s (the default 80 s would cut the long server-hinted schedules these tests script).
    func policy(now: Double = 1_800_000_000, maximumAttempts: Int = 10) -> RetryPolicy {
        var policy = RetryPolicy()
        policy.maximumElapsed = .seconds(300)
        policy.sleep = { [self] duration in lock.synchronized { recorded.append(duration) } }
        policy.now = { now }
        policy.random = { 0.5 }
        policy.maximumAttempts = maximumAttempts
        return policy
    }
}

/// A transport that answers from a script and records what it was sent.
final class FakeTransport: HTTPTransport, @unchecked Sendable {
    enum Step {
        case respond(Int, headers: [(String, String)] = [], body: String = "")
        case fail
    }

    private let lock = NSLock()
    private var steps: [Step]
    private var sent: [HTTPRequest] = []

    init(_ steps: [Step]) { self.steps = steps }

    var requests: [HTTPRequest] { lock.synchronized { sent } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let step: Step = lock.synchronized {
            sent.append(request)
            return steps.isEmpty ? .respond(200) : steps.removeFirst()
        }
        switch step {
        case .respond(let status, let headers, let body):
            return HTTPResponse(
                status: status,
                headers: headers.map { (name: $0.0, value: $0.1) },
                body: Array(body.utf8)
            )
        case .fail:
            throw RunraError(.io, "connection reset by peer")
        }
    }

    func shutdown() async {}
}

/// Events covering spans, logs, two runs, nested data, arrays, failures.
enum SampleEvents {
    static let lines = [
        #"{"id":"evt_1","timestamp":"2026-06-15T10:30:00.000Z","type":"sandbox.created","sandboxId":"sb_1","runId":"#
            + #""run_a","data":{"image":"node:22","cpu":2,"labels":{"team":"core"}}}"#,
        #"{"id":"evt_2","timestamp":"2026-06-15T10:30:01.500Z","type":"exec.completed","sandboxId":"sb_1","runId":"#
            + #""run_a","data":{"command":"npm test","exitCode":1,"durationMs":1200,"args":["--ci","-q"]}}"#,
        #"{"id":"evt_3","timestamp":"2026-06-15T10:30:02Z","type":"agent.thinking","sandboxId":"sb_1","runId":"run_a","#
            + #""data":{"text":"hmm","ratio":0.25}}"#,
        #"{"id":"evt_4","timestamp":"2026-06-15T10:30:03Z","type":"cost.llm","sandboxId":"sb_1","runId":"run_a","#
            + #""data":{"model":"m","inputTokens":100,"outputTokens":20,"costUsd":0.0125}}"#,
        #"{"id":"evt_5","timestamp":"2026-06-15T10:30:04Z","type":"file.created","sandboxId":"sb_2","runId":"run_b","#
            + #""data":{"path":"/tmp/x","bytes":10}}"#,
        #"{"id":"evt_6","timestamp":"2026-06-15T10:30:05Z","type":"sandbox.error","sandboxId":"sb_2","runId":"run_b","#
            + #""data":{"message":"boom"}}"#,
        #"{"id":"evt_7","timestamp":"2026-06-15T10:30:06Z","type":"exec.completed","sandboxId":"sb_2","runId":"run_b","#
            + #""data":{"command":"ls","exitCode":0,"durationMs":5}}"#,
    ]

    static var events: [RuntimeEvent] { lines.map { try! RuntimeEvent($0) } }

    /// `count` events of alternating types with distinct ids and timestamps.
    static func many(_ count: Int) -> [RuntimeEvent] {
        (0..<count).map { index in
            let second = String(format: "%02d", index % 60)
            let type = index % 2 == 0 ? "exec.completed" : "exec.started"
            return try! RuntimeEvent(
                #"{"id":"e\#(index)","timestamp":"2026-06-15T10:\#(String(format: "%02d", index / 60 % 60)):\#(second)"#
                    + #".000Z","type":"\#(type)","sandboxId":"sb","runId":"run_\#(index % 3)","data":{"command":"echo "#
                    + #" \#(index)","exitCode":0,"n":1.50}}"#
            )
        }
    }

    /// 2026-06-15T10:30:00Z in nanoseconds.
    static let baseNanoseconds: Int64 = 1_781_519_400 * 1_000_000_000
}

func configuration(_ values: [String: JSONValue], environment: [String: String] = [:]) -> ExporterConfiguration {
    ExporterConfiguration(path: "config", values: values, environment: environment)
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

extension NSLock {
    func synchronized<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// Literals for configuration values in tests.
extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByDictionaryLiteral,
    ExpressibleByArrayLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .number(Double(value)) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}
