import RunraEvents
import Testing

@testable import RunraExporters

@Suite struct OTLPMappingTests {
    @Test func spanOfAFailedCommand() throws {
        var runs = RunIdentifiers()
        let event = SampleEvents.events[1]
        let span = try #require(OTLPMapping.span(.init(event), data: event.data, runs: &runs))
        #expect(span.name == "sandbox.execute")
        #expect(span.endNanoseconds == UInt64(SampleEvents.baseNanoseconds + 1_500_000_000))
        #expect(span.startNanoseconds == UInt64(SampleEvents.baseNanoseconds + 300_000_000))
        #expect(span.statusCode == 2)
        #expect(span.parentSpanID == OTLPIdentifiers.rootSpanID(runID: "run_a"))
        let attributes = Dictionary(uniqueKeysWithValues: span.attributes.map { ($0.key, $0.value) })
        #expect(attributes["command"] == .string("npm test"))
        #expect(attributes["args"] == .array([.string("--ci"), .string("-q")]))
        #expect(attributes["process.command_line"] == .string("npm test"))
        #expect(attributes["process.exit.code"] == .int(1))
        #expect(attributes["runra.event.id"] == .string("evt_2"))
        #expect(attributes["runra.run.id"] == .string("run_a"))
    }

    /// Attribute keys stay unique: a named attribute wins over a `data` key of the same name, and of two
    /// `data` keys that flatten alike (`"a.b"` and `a` → `b`) the first in key order wins.
    @Test func attributeKeysAreUnique() throws {
        let data: JSONValue = [
            "a.b": 1, "a": ["b": 2, "c": ["d": true]], "runra.event.type": "spoofed", "z": .null,
            "list": [1, .number(2.5)],
        ]
        let attributes = OTLPMapping.attributes(.init(SampleEvents.events[2]), data: data)
        let keys = attributes.map(\.key)
        #expect(
            keys == ["a.b", "a.c.d", "list", "runra.event.id", "runra.event.type", "runra.sandbox.id", "runra.run.id"]
        )
        let values = Dictionary(uniqueKeysWithValues: attributes.map { ($0.key, $0.value) })
        #expect(values["a.b"] == .int(2))
        #expect(values["a.c.d"] == .bool(true))
        #expect(values["list"] == .array([.int(1), .double(2.5)]))
        #expect(values["runra.event.type"] == .string("agent.thinking"))
        let plain = OTLPMapping.attributes(.init(SampleEvents.events[2]), data: ["x": ["y": 1], "w": "v"])
        #expect(plain.map(\.key).prefix(2) == ["w", "x.y"])
    }

    @Test func logsAreNotSpansAndCarrySeverity() throws {
        var runs = RunIdentifiers()
        let thinking = SampleEvents.events[2]
        #expect(OTLPMapping.span(.init(thinking), data: thinking.data, runs: &runs) == nil)
        let record = OTLPMapping.logRecord(.init(thinking), data: thinking.data, observedNanoseconds: 5, runs: &runs)
        #expect(record.severityNumber == 5)
        #expect(record.eventName == "agent.thinking")
        let error = SampleEvents.events[5]
        #expect(
            OTLPMapping.logRecord(.init(error), data: error.data, observedNanoseconds: 5, runs: &runs).severityText
                == "ERROR"
        )
        let cost = SampleEvents.events[3]
        let keys = OTLPMapping.logRecord(.init(cost), data: cost.data, observedNanoseconds: 5, runs: &runs).attributes
            .map(
                \.key
            )
        #expect(keys.contains("gen_ai.usage.input_tokens") && keys.contains("gen_ai.usage.output_tokens"))
    }

    @Test func nestedKeysFlattenWithDotsAndStayUnique() throws {
        let event = try RuntimeEvent(
            #"{"id":"e","timestamp":"2026-06-15T10:30:00Z","type":"x","data":{"a":{"b":{"c":1}},"a.b.c":2,"n":null,"#
                + #""runra.event.id":"spoof","list":[{"k":true},1.5]}}"#
        )
        let attributes = OTLPMapping.attributes(.init(event), data: event.data)
        #expect(Set(attributes.map(\.key)).count == attributes.count)
        let byKey = Dictionary(attributes.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(byKey["a.b.c"] != nil)
        #expect(byKey["n"] == nil)
        #expect(byKey["runra.event.id"] == .string("e"))
        #expect(byKey["list"] == .array([.keyValues([Attribute(key: "k", value: .bool(true))]), .double(1.5)]))
    }

    @Test func protobufLengthsAboveOneByteAreFixedUp() {
        var writer = ProtobufWriter()
        let long = String(repeating: "x", count: 300)
        writer.messageField(1) { $0.stringField(2, long) }
        writer.varintField(3, -1)
        var reader = ProtobufReader(writer.bytes)
        let outer = reader.next()
        #expect(outer?.field == 1)
        var inner = ProtobufReader(outer?.payload ?? [])
        #expect(inner.next()?.payload.count == 300)
        #expect(reader.next()?.varint == UInt64.max)
        #expect(reader.next() == nil)
    }

    @Test func rootSpansCoverTheRun() {
        var tracker = RunTracker()
        tracker.record(runID: "r", start: 10, end: 20, sandboxID: "s")
        tracker.record(runID: "r", start: 5, end: 15, sandboxID: nil)
        let roots = tracker.pendingRootSpans()
        #expect(roots.count == 1)
        #expect(roots[0].span.startNanoseconds == 5 && roots[0].span.endNanoseconds == 20)
        #expect(roots[0].span.parentSpanID.isEmpty)
        tracker.markExported(["r"])
        #expect(tracker.pendingRootSpans().isEmpty)
        tracker.record(runID: "r", start: 6, end: 19, sandboxID: nil)
        #expect(tracker.pendingRootSpans().isEmpty)
    }
}
