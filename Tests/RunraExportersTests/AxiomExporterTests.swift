import Foundation
import RunraEvents
import RunraReplay
import Testing

@testable import RunraExporters

/// The `axiom` exporter against the loopback Axiom-compatible server.
@Suite(.serialized, .timeLimit(.minutes(5))) struct AxiomExporterTests {
    func exporter(
        _ server: IngestServer,
        _ sleeps: SleepRecorder,
        _ extra: [String: JSONValue] = [:]
    ) async throws -> AxiomExporter {
        let exporter = AxiomExporter(policy: sleeps.policy())
        var values: [String: JSONValue] = ["url": .string(server.base), "dataset": "runs", "batchSize": 1000]
        values.merge(extra) { $1 }
        try await exporter.initialize(
            configuration: configuration(values, environment: ["AXIOM_TOKEN": "xaat-token-1"])
        )
        return exporter
    }

    @Test func sendsGzippedNDJSONWithTheRightPathHeadersAndQuery() async throws {
        try await withIngestServer { server in
            let sleeps = SleepRecorder()
            let exporter = try await exporter(server, sleeps)
            let outcome = try await exporter.export(SampleEvents.events)
            await exporter.dispose()
            #expect(outcome.rejected.isEmpty && outcome.retries == 0 && outcome.bytesSent > 0)
            let requests = try await server.requests()
            try #require(requests.count == 1)
            let request = requests[0]
            let headers = request["headers"] as! [String: String]
            #expect(request["path"] as? String == "/v1/datasets/runs/ingest")
            #expect(request["query"] as? String == "timestamp-field=timestamp")
            #expect(headers["authorization"] == "Bearer xaat-token-1")
            #expect(headers["content-type"] == "application/x-ndjson")
            #expect(headers["content-encoding"] == "gzip")
            #expect(headers["x-axiom-org-id"] == nil)
            #expect(request["lines"] as? [String] == SampleEvents.lines)
        }
    }

    @Test func splitsLargeBatchesAndSendsUncompressedWhenAsked() async throws {
        try await withIngestServer { server in
            let exporter = try await exporter(server, SleepRecorder(), ["batchSize": 100, "compression": "none"])
            let outcome = try await exporter.export(SampleEvents.many(250))
            await exporter.dispose()
            #expect(outcome.rejected.isEmpty)
            let requests = try await server.requests()
            #expect(requests.count == 3)
            #expect(requests.allSatisfy { ($0["headers"] as! [String: String])["content-encoding"] == nil })
            #expect(try await server.stats()["lines"] == 250)
        }
    }

    /// A batchSize above Axiom's limit of 10000 events per request is sent as requests of at most 10000.
    @Test func batchSizeAboveTheLimitIsSentInRequestsOfTenThousand() async throws {
        try await withIngestServer { server in
            let exporter = try await exporter(server, SleepRecorder(), ["batchSize": 25000, "compression": "none"])
            let outcome = try await exporter.export(SampleEvents.many(25000))
            await exporter.dispose()
            #expect(outcome.rejected.isEmpty)
            // Three requests for 25000 lines: chunks of 10000, 10000 and 5000 (one oversized request before the cap).
            let stats = try await server.stats()
            #expect(stats["requests"] == 3, "\(stats)")
            #expect(stats["lines"] == 25000)
        }
    }

    @Test func retriesRateLimitsServerErrorsAndClosedConnections() async throws {
        try await withIngestServer { server in
            let sleeps = SleepRecorder()
            let exporter = try await exporter(server, sleeps)
            try await server.script([
                [
                    "status": 429, "headers": ["X-RateLimit-Reset": "1800000007"],
                    "body": #"{"message":"rate limit exceeded"}"#,
                ],
                ["status": 430, "headers": ["X-RateLimit-Reset": "1900000000"]],
                ["status": 503, "headers": ["Retry-After": "3"]],
                ["status": 500],
                ["close": true],
            ])
            let outcome = try await exporter.export(SampleEvents.events)
            await exporter.dispose()
            #expect(outcome.rejected.isEmpty)
            #expect(outcome.retries == 5)
            // Reset in 7 s; a reset far away is capped at 60 s; Retry-After 3; then backoff 4 s, 8 s.
            #expect(sleeps.waits == [7, 60, 3, 4, 8])
            let requests = try await server.requests()
            #expect(requests.count == 6)
            #expect(try await server.stats()["lines"] == SampleEvents.lines.count)
        }
    }

    @Test(arguments: [400, 401, 403, 413])
    func permanentFailuresAreRejectedWithoutRetry(status: Int) async throws {
        try await withIngestServer { server in
            let exporter = try await exporter(server, SleepRecorder())
            try await server.script([["status": status, "body": #"{"message":"invalid token xaat-token-1?"}"#]])
            let outcome = try await exporter.export(SampleEvents.events)
            await exporter.dispose()
            #expect(outcome.rejected.count == SampleEvents.lines.count)
            #expect(outcome.rejected.allSatisfy { $0.status == String(status) })
            #expect(outcome.rejected.first?.reason.contains("invalid token") == true)
            #expect(outcome.retries == 0)
            #expect(try await server.requests().count == 1)
        }
    }

    @Test func perEventFailuresRejectTheEventsWithMatchingTimestamps() async throws {
        try await withIngestServer { server in
            let exporter = try await exporter(server, SleepRecorder())
            let status: [String: Any] = [
                "ingested": 4, "failed": 3, "processedBytes": 10, "blocksCreated": 0, "walLength": 0,
                "failures": [
                    ["timestamp": "2026-06-15T10:30:02Z", "error": "field limit"],
                    ["timestamp": "2026-06-15T10:30:04.000000000Z", "error": "too big"],
                ],
            ]
            let body = String(decoding: try JSONSerialization.data(withJSONObject: status), as: UTF8.self)
            try await server.script([["status": 200, "body": body]])
            let outcome = try await exporter.export(SampleEvents.events)
            await exporter.dispose()
            #expect(outcome.rejected.map { $0.event.id } == ["evt_3", "evt_5"])
            #expect(outcome.rejected.first?.reason.contains("field limit") == true)
            #expect(outcome.rejectedWithoutDetail == 1)
            #expect(try await server.requests().count == 1)
        }
    }

    @Test func givingUpThrowsAndNamesNoToken() async throws {
        let sleeps = SleepRecorder()
        let exporter = AxiomExporter(policy: sleeps.policy(maximumAttempts: 3))
        // Nothing listens on port 9 of loopback: connection refused, retried, given up.
        try await exporter.initialize(
            configuration: configuration(["url": "http://127.0.0.1:9", "token": "xaat-hidden", "timeoutMs": 300])
        )
        let error = await #expect(throws: ExportFailure.self) { _ = try await exporter.export(SampleEvents.events) }
        await exporter.dispose()
        #expect(error?.error.code == .exporter)
        #expect(error?.description.contains("xaat-hidden") == false)
        #expect(sleeps.waits.count == 2)
        #expect(error?.retries == 2, "the summary's retried counts the requests of a batch given up")
    }
}
