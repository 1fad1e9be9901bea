import Foundation
import RunraEvents
import RunraReplay
import Testing

@testable import RunraExporters

/// The `otel` exporter against the loopback receiver, which decodes with `opentelemetry-proto`.
@Suite(.serialized, .timeLimit(.minutes(5))) struct OTLPExporterTests {
    func exporter(
        _ server: IngestServer,
        _ sleeps: SleepRecorder,
        _ extra: [String: JSONValue] = [:]
    ) async throws -> OTLPExporter {
        let exporter = OTLPExporter(policy: sleeps.policy())
        let grpc = extra["protocol"] == "grpc"
        var values: [String: JSONValue] = [
            "endpoint": .string(grpc ? server.grpcBase : server.base), "serviceName": "replay-test",
            "serviceVersion": "9.9",
        ]
        values.merge(extra) { $1 }
        try await exporter.initialize(configuration: configuration(values))
        return exporter
    }

    func spans(_ requests: [[String: Any]]) -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for request in requests where [GRPCCall.tracesPath, "/v1/traces"].contains(request["path"] as? String) {
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
        requests.filter { [GRPCCall.logsPath, "/v1/logs"].contains($0["path"] as? String) }.flatMap {
            ((($0["otlp"] as? [String: Any])?["logs"] as? [[String: Any]]) ?? [])
        }
    }

    /// The root span of each run covers exactly the events this replay gave the exporter (a selection, or what
    /// is left after a checkpoint), earliest to latest timestamp, even when a span's duration reaches back further.
    @Test func rootSpansSpanTheTimestampsOfTheEventsSeen() async throws {
        let types = ["exec.completed", "agent.thinking", "sandbox.created", "cost.llm", "file.read", "exec.completed"]
        var all: [RuntimeEvent] = []
        for index in 0..<90 {
            let run = "run_\(index % 4)"
            let second = 10 + index
            let data = #"{"command":"make","exitCode":0,"durationMs":\#((index % 7) * 20_000)}"#
            all.append(
                try RuntimeEvent(
                    #"{"id":"r\#(index)","timestamp":"2026-06-15T10:\#(second / 60 + 10)"#
                        + #":\#(String(format: "%02d", second % 60)).250Z","type":"\#(types[index % types.count])","#
                        + #""runId":"\#(run)","data":\#(data)}"#
                )
            )
        }
        // What a selection or a resumed replay hands over: a part of the log, not its start.
        let seen = all.enumerated().filter { $0.offset % 3 != 0 && $0.offset > 20 }.map(\.element)
        try await withIngestServer { server in
            let exporter = try await exporter(server, SleepRecorder())
            _ = try await exporter.export(seen)
            try await exporter.flush()
            await exporter.dispose()
            let roots = spans(try await server.requests()).filter { $0.key.hasPrefix("root:") }
            var expected: [String: (Int64, Int64)] = [:]
            for event in seen {
                let runID = event.runId ?? ""
                let time = try #require(event.timestamp).nanosecondsSinceEpoch
                let bounds = expected[runID] ?? (time, time)
                expected[runID] = (min(bounds.0, time), max(bounds.1, time))
            }
            #expect(roots.count == expected.count)
            for (runID, bounds) in expected {
                let root = try #require(roots["root:str:\(runID)"])
                #expect(root["start"] as? String == String(bounds.0), "\(runID)")
                #expect(root["end"] as? String == String(bounds.1), "\(runID)")
            }
        }
    }

    @Test(arguments: ["http/protobuf", "http/json", "grpc"])
    func mapsEventsToSpansAndLogs(wireProtocol: String) async throws {
        try await withIngestServer(arguments: ["--grpc"]) { server in
            let exporter = try await exporter(server, SleepRecorder(), ["protocol": .string(wireProtocol)])
            let outcome = try await exporter.export(SampleEvents.events)
            try await exporter.flush()
            await exporter.dispose()
            #expect(outcome.rejected.isEmpty && outcome.rejectedWithoutDetail == 0)

            let requests = try await server.requests()
            #expect(requests.allSatisfy { $0["status"] as? Int == 200 })
            #expect(requests.count == 3)
            if wireProtocol == "grpc" {
                // grpcio decoded the HTTP/2 stream, the gzipped gRPC message and the protobuf itself.
                #expect(requests.allSatisfy { $0["grpc"] as? Bool == true })
                #expect(Set(requests.map { $0["path"] as? String }) == [GRPCCall.tracesPath, GRPCCall.logsPath])
            } else {
                let contentType = wireProtocol == "http/json" ? "application/json" : "application/x-protobuf"
                #expect(requests.allSatisfy { ($0["headers"] as! [String: String])["content-type"] == contentType })
                #expect(requests.allSatisfy { ($0["headers"] as! [String: String])["content-encoding"] == "gzip" })
            }
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

    @Test(arguments: ["http/protobuf", "http/json", "grpc"])
    func partialSuccessIsCountedNotRetried(wireProtocol: String) async throws {
        try await withIngestServer(arguments: ["--grpc"]) { server in
            let exporter = try await exporter(server, SleepRecorder(), ["protocol": .string(wireProtocol)])
            let grpc = wireProtocol == "grpc"
            try await server.script([
                [
                    "path": grpc ? GRPCCall.tracesPath : "/v1/traces",
                    "partial": ["rejected": 2, "message": "2 spans too old"],
                ],
                [
                    "path": grpc ? GRPCCall.logsPath : "/v1/logs",
                    "partial": ["rejected": 0, "message": "just a warning"],
                ],
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

    // MARK: OTLP/gRPC failures

    @Test func grpcRetriesTheRetryableCodes() async throws {
        try await withIngestServer(arguments: ["--grpc"]) { server in
            let sleeps = SleepRecorder()
            let policy = sleeps.policy()
            let exporter = try await exporter(server, sleeps, ["protocol": "grpc"])
            let spansOnly = Array(SampleEvents.events.filter { OTLPMapping.spanNames[$0.type] != nil })
            try await server.script([
                ["path": GRPCCall.tracesPath, "grpcStatus": 14, "message": "unavailable"],
                ["path": GRPCCall.tracesPath, "grpcStatus": 8, "message": "slow down", "retryDelayMs": 1500],
                ["path": GRPCCall.tracesPath, "grpcStatus": 10, "message": "aborted"],
                ["path": GRPCCall.tracesPath, "grpcStatus": 4, "message": "deadline"],
            ])
            let outcome = try await exporter.export(spansOnly)
            await exporter.dispose()
            #expect(outcome.rejected.isEmpty)
            #expect(outcome.retries == 4)
            #expect(
                sleeps.waits == [
                    policy.backoff(retry: 1).seconds, policy.serverWait(seconds: 1.5).seconds,
                    policy.backoff(retry: 3).seconds, policy.backoff(retry: 4).seconds,
                ]
            )
            #expect(try await server.stats()["spans"] == spansOnly.count)
        }
    }

    /// INVALID_ARGUMENT, PERMISSION_DENIED, RESOURCE_EXHAUSTED without RetryInfo, UNIMPLEMENTED,
    /// INTERNAL, UNAUTHENTICATED.
    @Test(arguments: [3, 7, 8, 12, 13, 16])
    func grpcOtherCodesAreNeverRetried(code: Int) async throws {
        try await withIngestServer(arguments: ["--grpc"]) { server in
            let exporter = try await exporter(server, SleepRecorder(), ["protocol": "grpc"])
            try await server.script([["path": GRPCCall.logsPath, "grpcStatus": code, "message": "bad logs ✗"]])
            let outcome = try await exporter.export(SampleEvents.events)
            await exporter.dispose()
            #expect(outcome.rejected.map { $0.event.id } == ["evt_3", "evt_4", "evt_6"])
            #expect(outcome.rejected.allSatisfy { $0.status == "grpc \(code)" && $0.reason.contains("bad logs ✗") })
            #expect(outcome.retries == 0)
            let requests = try await server.requests()
            #expect(requests.filter { $0["path"] as? String == GRPCCall.logsPath }.count == 1)
            #expect(try await server.stats()["spans"] == 4)
        }
    }

    @Test func grpcCallThatOutlivesItsTimeoutIsCancelledAndRetried() async throws {
        try await withIngestServer(arguments: ["--grpc"]) { server in
            let exporter = try await exporter(server, SleepRecorder(), ["protocol": "grpc", "timeoutMs": 400])
            let spansOnly = Array(SampleEvents.events.filter { OTLPMapping.spanNames[$0.type] != nil })
            try await server.script([["path": GRPCCall.tracesPath, "delayMs": 1500]])
            let outcome = try await exporter.export(spansOnly)
            await exporter.dispose()
            #expect(outcome.rejected.isEmpty)
            #expect(outcome.retries == 1)
            // The stalled call was cancelled by the client (the server saw it go inactive when it woke), so
            // only the retry counts. The server records the stalled call when it wakes: wait for that.
            var requests = try await server.requests()
            for _ in 0..<100 where requests.count < 2 {
                try await Task.sleep(for: .milliseconds(100))
                requests = try await server.requests()
            }
            let statuses = requests.map { $0["status"] as? String ?? String(describing: $0["status"]!) }
            #expect(statuses.sorted() == ["200", "cancelled"])
            #expect(try await server.stats()["spans"] == spansOnly.count)
        }
    }

    /// `https://` speaks TLS with ALPN h2; the server's certificate must be trusted
    /// (`OTEL_EXPORTER_OTLP_CERTIFICATE`), and is refused when it is not.
    @Test func grpcOverTLS() async throws {
        try await withIngestServer(arguments: ["--grpc-tls"]) { server in
            let certificate = try #require(server.grpcCertificate)
            let endpoint = "https://localhost:\(try #require(server.grpcPort))"
            let spansOnly = Array(SampleEvents.events.filter { OTLPMapping.spanNames[$0.type] != nil })

            let trusting = OTLPExporter(policy: SleepRecorder().policy())
            try await trusting.initialize(
                configuration: configuration(
                    ["protocol": "grpc", "endpoint": .string(endpoint)],
                    environment: ["OTEL_EXPORTER_OTLP_CERTIFICATE": certificate]
                )
            )
            let outcome = try await trusting.export(spansOnly)
            await trusting.dispose()
            #expect(outcome.rejected.isEmpty && outcome.retries == 0)
            #expect(try await server.stats()["spans"] == spansOnly.count)

            let untrusting = OTLPExporter(policy: SleepRecorder().policy(maximumAttempts: 2))
            try await untrusting.initialize(
                configuration: configuration(["protocol": "grpc", "endpoint": .string(endpoint)])
            )
            let error = await #expect(throws: ExportFailure.self) { _ = try await untrusting.export(spansOnly) }
            await untrusting.dispose()
            #expect(error?.description.contains("gave up after 2 attempts") == true)
            #expect(try await server.stats()["spans"] == spansOnly.count)
        }
    }

    @Test func grpcToAServerThatIsNotThereGivesUp() async throws {
        let sleeps = SleepRecorder()
        let exporter = OTLPExporter(policy: sleeps.policy(maximumAttempts: 3))
        try await exporter.initialize(
            configuration: configuration(["protocol": "grpc", "endpoint": "http://127.0.0.1:1", "timeoutMs": 2000])
        )
        let error = await #expect(throws: ExportFailure.self) {
            _ = try await exporter.export(Array(SampleEvents.events.prefix(1)))
        }
        await exporter.dispose()
        #expect(error?.description.contains("gave up after 3 attempts") == true)
        #expect(sleeps.waits.count == 2)
    }
}
