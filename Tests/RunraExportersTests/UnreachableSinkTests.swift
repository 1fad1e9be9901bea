import Foundation
import RunraEvents
import RunraReplay
import Testing

@testable import RunraExporters

/// A sink that never answers ends an exporter in bounded time, not after a whole retry schedule per batch
/// (docs/exporters-network.md, "How long an exporter can take against a sink that is down").
@Suite(.serialized, .timeLimit(.minutes(5)))
struct UnreachableSinkTests {
    /// A loopback port that nothing listens on (tcpmux, never served here).
    static let closedPort = 1

    /// Fifty batches against a closed port: the first uses up its schedule, the other 49 give up at once. With a
    /// schedule per batch (10 attempts of up to `timeoutMs` each) this would take minutes and pass the time limit.
    @Test(arguments: ["custom", "axiom", "otel"])
    func aClosedPortEndsTheExporterAfterOneSchedule(provider: String) async throws {
        let sleeps = SleepRecorder()
        let port = Self.closedPort
        let exporter: any EventExporter
        var values: [String: JSONValue] = ["timeoutMs": 400]
        switch provider {
        case "custom":
            exporter = CustomExporter(policy: sleeps.policy())
            values["endpoint"] = .string("http://127.0.0.1:\(port)/hook")
        case "axiom":
            exporter = AxiomExporter(policy: sleeps.policy())
            values["url"] = .string("http://127.0.0.1:\(port)")
            values["token"] = "xaat-secret"
        default:
            exporter = OTLPExporter(policy: sleeps.policy())
            values["endpoint"] = .string("http://127.0.0.1:\(port)")
        }
        try await exporter.initialize(configuration: configuration(values))
        var failures: [String] = []
        for batch in 0..<50 {
            do {
                let outcome = try await exporter.export(Array(SampleEvents.many(4)))
                failures.append(outcome.rejected.first?.reason ?? "batch \(batch) was delivered")
            } catch {
                failures.append("\(error)")
            }
        }
        await exporter.dispose()
        #expect(failures.count == 50)
        #expect(failures[0].contains("gave up after"), "\(failures[0])")
        #expect(failures.dropFirst().allSatisfy { $0.contains("taken to be down") }, "\(failures.last ?? "")")
        #expect(failures.allSatisfy { !$0.contains("secret") })
    }

    /// `https://` to a server that speaks plain HTTP: the handshake fails, which sending again cannot change, so
    /// the exporter gives up at once and says what to check.
    @Test func aFailedTLSHandshakeIsNotRetried() async throws {
        try await withIngestServer { server in
            let sleeps = SleepRecorder()
            let exporter = OTLPExporter(policy: sleeps.policy())
            let endpoint = server.base.replacingOccurrences(of: "http://", with: "https://")
            try await exporter.initialize(configuration: configuration(["endpoint": .string(endpoint)]))
            let first = await #expect(throws: RunraError.self) { _ = try await exporter.export(SampleEvents.events) }
            let second = await #expect(throws: RunraError.self) { _ = try await exporter.export(SampleEvents.events) }
            await exporter.dispose()
            #expect(first?.message.contains("TLS handshake failed") == true, "\(first?.message ?? "")")
            #expect(first?.message.contains("http:// URL for a plain server") == true)
            #expect(second?.message.contains("taken to be down") == true, "\(second?.message ?? "")")
            #expect(sleeps.waits.isEmpty, "retried: \(sleeps.waits)")
        }
    }
}
