import Foundation
import RunraEvents
import RunraReplay
import Testing

@testable import RunraExporters

/// The `custom` exporter against the loopback server.
@Suite(.serialized, .timeLimit(.minutes(5))) struct CustomExporterTests {
    func exporter(
        _ server: IngestServer,
        _ sleeps: SleepRecorder,
        _ extra: [String: JSONValue] = [:]
    ) async throws -> CustomExporter {
        let exporter = CustomExporter(policy: sleeps.policy())
        var values: [String: JSONValue] = ["endpoint": .string(server.base + "/hook"), "headers": ["X-Api-Key": "k1"]]
        values.merge(extra) { $1 }
        try await exporter.initialize(configuration: configuration(values))
        return exporter
    }

    @Test func postsTheLinesVerbatim() async throws {
        try await withIngestServer { server in
            let exporter = try await exporter(server, SleepRecorder(), ["method": "put", "compression": "gzip"])
            let events = [
                try RuntimeEvent(#"{"type":"x.y",  "id":"a","data":{"n":1.50,"s":"\u00e9"}}"#),
                try RuntimeEvent(#"{"id":"b","type":"z","timestamp":"2026-06-15T10:30:00Z"}"#),
            ]
            let outcome = try await exporter.export(events)
            await exporter.dispose()
            #expect(outcome.rejected.isEmpty)
            let request = try #require(try await server.requests().first)
            let headers = request["headers"] as! [String: String]
            #expect(request["method"] as? String == "PUT")
            #expect(request["path"] as? String == "/hook")
            #expect(headers["x-api-key"] == "k1")
            #expect(headers["content-type"] == "application/json")
            #expect(headers["content-encoding"] == "gzip")
            let expected =
                #"{"events":[{"type":"x.y",  "id":"a","data":{"n":1.50,"s":"\u00e9"}},{"id":"b","type":"z","#
                + #""timestamp":"2026-06-15T10:30:00Z"}]}"#
            #expect(request["text"] as? String == expected)
        }
    }

    @Test func retries429And5xxThenDelivers() async throws {
        try await withIngestServer { server in
            let sleeps = SleepRecorder()
            let exporter = try await exporter(server, sleeps)
            try await server.script([
                ["status": 503, "headers": ["Retry-After": "2"]], ["status": 429], ["status": 502], ["close": true],
            ])
            let outcome = try await exporter.export(SampleEvents.events)
            await exporter.dispose()
            #expect(outcome.rejected.isEmpty)
            #expect(outcome.retries == 4)
            #expect(sleeps.waits == [2, 1, 2, 4])
            #expect(try await server.stats()["events"] == SampleEvents.lines.count)
        }
    }

    @Test(arguments: [400, 401, 403, 404, 413])
    func clientErrorsAreRejectedOnce(status: Int) async throws {
        try await withIngestServer { server in
            let exporter = try await exporter(server, SleepRecorder())
            try await server.script([["status": status, "body": "nope"]])
            let outcome = try await exporter.export(SampleEvents.events)
            await exporter.dispose()
            #expect(outcome.rejected.count == SampleEvents.lines.count)
            #expect(outcome.rejected.allSatisfy { $0.status == String(status) && $0.reason.contains("nope") })
            #expect(try await server.requests().count == 1)
        }
    }

    @Test func configurationErrors() async throws {
        #expect(throws: RunraError.self) { try CustomExporter.settings(from: configuration([:])) }
        #expect(throws: RunraError.self) {
            try CustomExporter.settings(from: configuration(["endpoint": "http://h/x", "method": "GET"]))
        }
        #expect(throws: RunraError.self) {
            try CustomExporter.settings(from: configuration(["endpoint": "http://h/x", "headers": ["a": ["b"]]]))
        }
    }
}
