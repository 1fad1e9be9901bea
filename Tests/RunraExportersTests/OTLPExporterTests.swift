import Foundation
import RunraEvents
import RunraReplay
import Testing

@testable import RunraExporters

/// The `otel` exporter against the loopback receiver, which decodes with `opentelemetry-proto`.
@Suite(.serialized) struct OTLPExporterTests {
    func exporter(
        _ server: IngestServer,
        _ sleeps: SleepRecorder,
        _ extra: [String: JSONValue] = [:]
    ) async throws -> OTLPExporter {
        let exporter = OTLPExporter(policy: sleeps.policy())
        var values: [String: JSONValue] = [
            "endpoint": .string(server.base), "serviceName": "replay-test", "serviceVersion": "9.9",
        ]
        values.merge(extra) { $1 }
        try await exporter.initialize(configuration: configuration(values))
        return exporter
    }

    func spans(_ requests: [[String: Any]]) -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for request in requests where request["path"] as? String == "/v1/traces" {
            for span in ((request["otlp"] as? [String: Any])?["spans"] as? [[String: Any]]) ?? [] {
                let attributes = span["attributes"] as! [String: Any]
                result[
                    (attributes["runra.event.id"] as? String).map { String($0.dropFirst(4)) }
                        ?? "root:\(attributes["runra.run.id"]!)"
                ] = span
            }
        }
        return result
    }

    func logs(_ requests: [[String: Any]]) -> [[String: Any]] {
        requests.filter { $0["path"] as? String == "/v1/logs" }.flatMap {
            ((($0["otlp"] as? [String: Any])?["logs"] as? [[String: Any]]) ?? [])
        }
    }

    @Test(arguments: ["http/protobuf", "http/json"])
    func mapsEventsToSpansAndLogs(wireProtocol: String) async throws {
        try await withIngestServer { server in
            let exporter = try await exporter(server, SleepRecorder(), ["protocol": .string(wireProtocol)])
            let outcome = try await exporter.export(SampleEvents.events)
            try await exporter.flush()
            await exporter.dispose()
            #expect(outcome.rejected.isEmpty && outcome.rejectedWithoutDetail == 0)

            let requests = try await server.requests()
            #expect(requests.allSatisfy { $0["status"] as? Int == 200 })
            let contentType = wireProtocol == "http/json" ? "application/json" : "application/x-protobuf"
            #expect(requests.allSatisfy { ($0["headers"] as! [String: String])["content-type"] == contentType })
            #expect(requests.allSatisfy { ($0["headers"] as! [String: String])["content-encoding"] == "gzip" })
            if wireProtocol == "http/json" { #expect(requests.allSatisfy { $0["int64AsStrings"] as? Bool == true }) }

            let spans = spans(requests)
            #expect(Set(spans.keys) == ["evt_1", "evt_2", "evt_5", "evt_7", "root:str:run_a", "root:str:run_b"])
            for span in spans.values {
                #expect(span["traceId"] as? String == span["expectedTraceId"] as? String)
                #expect(span["spanId"] as? String == span["expectedSpanId"] as? String)
                #expect(span["parentSpanId"] as? String == span["expectedParentSpanId"] as? String)
                #expect(span["kind"] as? Int == 1)
                #expect(span["scope"] as? String == "runra-events")
            }
            let execute = try #require(spans["evt_2"])
            #expect(execute["name"] as? String == "sandbox.execute")
            #expect(execute["traceId"] as? String == "85dbe292e8b9e57b8b9b0ae808588d08")
            #expect(execute["spanId"] as? String == hex(OTLPIdentifiers.spanID(runID: "run_a", eventID: "evt_2")))
            #expect(execute["parentSpanId"] as? String == "497c7859e6dd5ed6")
            #expect(execute["start"] as? String == String(SampleEvents.baseNanoseconds + 300_000_000))
            #expect(execute["end"] as? String == String(SampleEvents.baseNanoseconds + 1_500_000_000))
            #expect(execute["statusCode"] as? Int == 2)
            let attributes = execute["attributes"] as! [String: Any]
            #expect(attributes["command"] as? String == "str:npm test")
            #expect(attributes["exitCode"] as? String == "int:1")
            #expect(attributes["args"] as? [String] == ["str:--ci", "str:-q"])
            #expect(attributes["process.command_line"] as? String == "str:npm test")
            #expect(attributes["process.exit.code"] as? String == "int:1")
            #expect(attributes["runra.event.type"] as? String == "str:exec.completed")
            #expect(attributes["runra.sandbox.id"] as? String == "str:sb_1")
            #expect(attributes["runra.run.id"] as? String == "str:run_a")

            let created = try #require(spans["evt_1"])
            #expect(created["name"] as? String == "sandbox.create")
            #expect(created["start"] as? String == created["end"] as? String)
            #expect((created["attributes"] as! [String: Any])["labels.team"] as? String == "str:core")
            #expect(created["statusCode"] as? Int == 0)
            let write = try #require(spans["evt_5"])
            #expect(write["name"] as? String == "sandbox.file.write")
            #expect((write["attributes"] as! [String: Any])["file.path"] as? String == "str:/tmp/x")
            #expect(spans["evt_7"]?["statusCode"] as? Int == 0)

            let rootA = try #require(spans["root:str:run_a"])
            #expect(rootA["name"] as? String == "runra.run")
            #expect(rootA["parentSpanId"] as? String == "")
            #expect(rootA["spanId"] as? String == "497c7859e6dd5ed6")
            #expect(rootA["start"] as? String == String(SampleEvents.baseNanoseconds))
            #expect(rootA["end"] as? String == String(SampleEvents.baseNanoseconds + 3_000_000_000))
            let rootB = try #require(spans["root:str:run_b"])
            #expect(rootB["start"] as? String == String(SampleEvents.baseNanoseconds + 4_000_000_000))
            #expect(rootB["end"] as? String == String(SampleEvents.baseNanoseconds + 6_000_000_000))

            let logs = logs(requests)
            #expect(logs.map { $0["eventName"] as? String } == ["agent.thinking", "cost.llm", "sandbox.error"])
            for log in logs {
                #expect(log["traceId"] as? String == log["expectedTraceId"] as? String)
                #expect(log["spanId"] as? String == log["expectedSpanId"] as? String)
                #expect(log["observed"] as? String != "0")
            }
            #expect(logs[0]["severityNumber"] as? Int == 5)
            #expect(logs[0]["time"] as? String == String(SampleEvents.baseNanoseconds + 2_000_000_000))
            #expect((logs[0]["attributes"] as! [String: Any])["ratio"] as? String == "double:0.25")
            #expect(logs[1]["severityText"] as? String == "INFO")
            #expect((logs[1]["attributes"] as! [String: Any])["gen_ai.usage.input_tokens"] as? String == "int:100")
            #expect((logs[1]["attributes"] as! [String: Any])["gen_ai.usage.output_tokens"] as? String == "int:20")
            #expect(logs[2]["severityNumber"] as? Int == 17)
            #expect(logs[2]["severityText"] as? String == "ERROR")

            for request in requests {
                let resources = (request["otlp"] as! [String: Any])["resources"] as! [[String: Any]]
                #expect(resources.count == 1)
                #expect(resources[0]["service.name"] as? String == "str:replay-test")
                #expect(resources[0]["service.version"] as? String == "str:9.9")
            }
        }
    }

    @Test func retriesExactlyTheRetryableStatuses() async throws {
        try await withIngestServer { server in
            let sleeps = SleepRecorder()
            let exporter = OTLPExporter(policy: sleeps.policy(now: 784_111_777))
            try await exporter.initialize(
                configuration: configuration(["endpoint": .string(server.base + "/v1/traces"), "compression": "none"])
            )
            let spansOnly = Array(SampleEvents.events.filter { OTLPMapping.spanNames[$0.type] != nil })
            try await server.script([
                ["path": "/v1/traces", "status": 429, "headers": ["Retry-After": "Sun, 06 Nov 1994 08:49:42 GMT"]],
                ["path": "/v1/traces", "status": 503, "headers": ["Retry-After": "1"]],
                ["path": "/v1/traces", "status": 502],
                ["path": "/v1/traces", "status": 504],
                ["path": "/v1/traces", "close": true],
            ])
            let outcome = try await exporter.export(spansOnly)
            await exporter.dispose()
            #expect(outcome.rejected.isEmpty)
            #expect(outcome.retries == 5)
            #expect(sleeps.waits == [5, 1, 2, 4, 8])
            #expect(try await server.stats()["spans"] == spansOnly.count)
        }
    }

    @Test(arguments: [400, 401, 403, 404, 413, 500, 501])
    func otherStatusesAreNeverRetried(status: Int) async throws {
        try await withIngestServer { server in
            let exporter = try await exporter(server, SleepRecorder())
            try await server.script([["path": "/v1/logs", "status": status, "body": #"{"message":"bad logs"}"#]])
            let outcome = try await exporter.export(SampleEvents.events)
            await exporter.dispose()
            #expect(outcome.rejected.map { $0.event.id } == ["evt_3", "evt_4", "evt_6"])
            #expect(outcome.rejected.allSatisfy { $0.status == String(status) && $0.reason.contains("bad logs") })
            #expect(outcome.retries == 0)
            let requests = try await server.requests()
            #expect(requests.filter { $0["path"] as? String == "/v1/logs" }.count == 1)
            #expect(try await server.stats()["spans"] == 4)
        }
    }

    @Test(arguments: ["http/protobuf", "http/json"])
    func partialSuccessIsCountedNotRetried(wireProtocol: String) async throws {
        try await withIngestServer { server in
            let exporter = try await exporter(server, SleepRecorder(), ["protocol": .string(wireProtocol)])
            try await server.script([
                ["path": "/v1/traces", "partial": ["rejected": 2, "message": "2 spans too old"]],
                ["path": "/v1/logs", "partial": ["rejected": 0, "message": "just a warning"]],
            ])
            let outcome = try await exporter.export(SampleEvents.events)
            await exporter.dispose()
            #expect(outcome.rejected.isEmpty)
            #expect(outcome.rejectedWithoutDetail == 2)
            #expect(outcome.retries == 0)
            #expect(try await server.requests().count == 2)
        }
    }

    @Test func simpleProcessorSendsEachEventAtOnce() async throws {
        try await withIngestServer { server in
            let exporter = try await exporter(server, SleepRecorder(), ["spanProcessor": "simple"])
            _ = try await exporter.export(Array(SampleEvents.events.prefix(2)))
            await exporter.dispose()
            #expect(try await server.requests().count == 2)
        }
    }

    @Test func grpcIsAClearConfigurationError() async throws {
        let exporter = OTLPExporter()
        let error = await #expect(throws: RunraError.self) {
            try await exporter.initialize(configuration: configuration(["protocol": "grpc"]))
        }
        #expect(error?.code == .configuration)
        await exporter.dispose()
    }
}
