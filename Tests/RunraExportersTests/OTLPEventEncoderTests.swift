import Testing

@testable import RunraEvents
@testable import RunraExporters

/// The byte-level protobuf path (``OTLPEventEncoder``) against the value-tree path (``OTLPMapping`` then
/// ``OTLPProtobufEncoding``): both must give the same bytes for every event, generated or contrived.
@Suite struct OTLPEventEncoderTests {
    static let source = OTLPSource(
        resource: [
            Attribute(key: "service.name", value: .string("svc")),
            Attribute(key: "service.version", value: .string("1")),
        ]
    )
    static let observed: UInt64 = 1_781_519_400_123_456_789

    /// The requests of the value-tree path, and how many events it rejected.
    static func valueTree(_ events: [RuntimeEvent]) -> (traces: [UInt8], logs: [UInt8], rejected: Int) {
        var runs = RunIdentifiers()
        var spans: [OTLPSpan] = []
        var records: [OTLPLogRecord] = []
        var rejected = 0
        for event in events {
            let fields = OTLPMapping.EventFields(event)
            if OTLPMapping.spanNames[fields.type] != nil {
                if let span = OTLPMapping.span(fields, data: event.data, runs: &runs) {
                    spans.append(span)
                } else {
                    rejected += 1
                }
            } else {
                records.append(
                    OTLPMapping.logRecord(fields, data: event.data, observedNanoseconds: observed, runs: &runs)
                )
            }
        }
        return (
            OTLPProtobufEncoding.traces(spans, source: source), OTLPProtobufEncoding.logs(records, source: source),
            rejected
        )
    }

    /// The requests of the byte path, how many events it rejected, and how many it left to the value tree.
    static func bytePath(_ events: [RuntimeEvent]) -> (traces: [UInt8], logs: [UInt8], rejected: Int, valueTree: Int) {
        var runs = RunIdentifiers()
        var encoder = OTLPEventEncoder(events: events.count)
        var rejected = 0
        for event in events {
            let fields = OTLPMapping.EventFields(event)
            if let name = OTLPMapping.spanNames[fields.type] {
                if !encoder.appendSpan(event, fields, name: name, runs: &runs) { rejected += 1 }
            } else {
                encoder.appendLogRecord(event, fields, observedNanoseconds: observed, runs: &runs)
            }
        }
        return (
            OTLPProtobufEncoding.request(items: encoder.spans, source: source),
            OTLPProtobufEncoding.request(items: encoder.records, source: source), rejected, encoder.valueTreeEvents
        )
    }

    /// Compares the two paths on each line alone, then on all of them in one request; returns how many
    /// events the byte path left to the value tree.
    @discardableResult
    static func expectSameBytes(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let events = try lines.map { try RuntimeEvent($0) }
        for (line, event) in zip(lines, events) {
            let expected = valueTree([event])
            let actual = bytePath([event])
            #expect(
                difference(actual.traces, expected.traces) == nil,
                "traces of \(line)",
                sourceLocation: sourceLocation
            )
            #expect(difference(actual.logs, expected.logs) == nil, "logs of \(line)", sourceLocation: sourceLocation)
            #expect(actual.rejected == expected.rejected, "rejections of \(line)", sourceLocation: sourceLocation)
        }
        let expected = valueTree(events)
        let actual = bytePath(events)
        #expect(difference(actual.traces, expected.traces) == nil, "traces of all", sourceLocation: sourceLocation)
        #expect(difference(actual.logs, expected.logs) == nil, "logs of all", sourceLocation: sourceLocation)
        #expect(actual.rejected == expected.rejected, sourceLocation: sourceLocation)
        return actual.valueTree
    }

    /// Where two encodings first differ (with a little context), or `nil` when they are equal.
    static func difference(_ actual: [UInt8], _ expected: [UInt8]) -> String? {
        guard actual != expected else { return nil }
        let index =
            (0..<min(actual.count, expected.count)).first(where: { actual[$0] != expected[$0] })
            ?? min(actual.count, expected.count)
        let context = max(0, index - 16)
        return "at byte \(index) of \(actual.count) (expected \(expected.count)): "
            + "\(actual[context..<min(actual.count, index + 16)]) "
            + "vs \(expected[context..<min(expected.count, index + 16)])"
    }

    @Test func generatedEventsEncodeAlikeFromTheirBytes() throws {
        let generator = EventLogGenerator(seed: 12)
        let lines = (0..<5000).map { _ in
            var line = generator.nextLine()
            if line.last == UInt8(ascii: "\n") { line.removeLast() }
            return String(decoding: line, as: UTF8.self)
        }
        // Generated data has no key the byte path leaves to the value tree: this really compares the two paths.
        #expect(try Self.expectSameBytes(lines) == 0)
    }

    @Test func sampleEventsEncodeAlike() throws {
        #expect(try Self.expectSameBytes(SampleEvents.lines) == 0)
    }

    /// Strings, numbers, nesting, nulls and whitespace that the byte path reads itself.
    @Test func edgeCaseValuesEncodeAlike() throws {
        let long = String(repeating: "long-é-\\\"-", count: 20_000)
        let head = #""timestamp":"2026-06-15T10:30:01.500Z","sandboxId":"sb","runId":"run""#
        let datas = [
            #"{"s":"a\"b\\c\/d\n\t\r\b\f\u0000\u001f\u00e9\u20ac\ud83d\ude00","lone":"\ud800x","low":"\udc00","#
                + #""pair":"\ud83d\ude00"}"#,
            #"{"u":"héllo ✓ 😀 e\u0301","raw":"日本語"}"#,
            #"{"n":[0,-0,1.0,1.5,1e3,1E-3,-1.5e300,1e999,-1e999,0.1,123456789012345,1234567890123456,"#
                + #"9007199254740993]}"#,
            #"{"big":[9223372036854775807,-9223372036854775808,12345678901234567890,"#
                + #"9.2e18,9.19e18,-9.19e18,4.9e-324]}"#,
            #"{"a":{"b":{"c":{"d":{"e":1}}}},"a2":{},"z":null,"y":{"x":null,"w":{}}}"#,
            #"{"arr":[],"nulls":[null,null],"#
                + #""mixed":[1,"x",true,false,null,{"k":1,"j":null,"a":[]},[1,[2,[null]]],{}]}"#,
            #"{"objs":[{"b":1,"a":2,"b":3},{"c":{"d":{"e":null}}}]}"#,
            #"{"dup":1,"dup":2,"obj":{"x":1},"obj":null,"o2":{"x":1},"o2":{"y":2},"last":null,"last":"kept"}"#,
            #"  {  "sp" : [ 1 , { "b" : 2 , "a" : 1 } , "x" ] ,  "o" : { "k" : null , "j" : true }  }  "#,
            "{\"long\":\"\(long)\",\"" + String(repeating: "k", count: 300) + "\":1}",
            #"{"B":1,"a":2,"_":3,"A":4,"0":5,"~":6,"aa":7,"a0":8,"ab":9}"#,
            #""a string""#, "[1,2]", "null", "3", "true", "{}",
        ]
        var lines: [String] = []
        for type in ["exec.completed", "agent.thinking", "file.read", "cost.llm", "exec.\\u0063ompleted", "x"] {
            for data in datas { lines.append(#"{"id":"e","type":"\#(type)",\#(head),"data":\#(data)}"#) }
        }
        lines.append(#"{"id":"no-data","type":"exec.completed",\#(head)}"#)
        #expect(try Self.expectSameBytes(lines) == 0)
    }

    /// The semantic-convention attributes, span times and status, and `data` keys that flatten onto them.
    @Test func namedAttributesAndCollisionsEncodeAlike() throws {
        let datas = [
            #"{"command":"npm test","exitCode":1,"durationMs":1200}"#,
            #"{"command":["npm",null,"test",1,{"b":1,"a":null}],"exitCode":0,"durationMs":0}"#,
            #"{"command":7,"exitCode":1.5,"durationMs":-5}"#,
            #"{"command":null,"exitCode":"1","durationMs":1e13}"#,
            #"{"exitCode":-2,"durationMs":0.0004,"command":{"line":"x"}}"#,
            #"{"exitCode":1e300,"durationMs":1.5}"#,
            #"{"process":{"exit":{"code":5},"command_line":"spoof","command_args":[1]},"exitCode":3,"command":"ls"}"#,
            #"{"process":{"exit":{"code":5},"command_line":"spoof"}}"#,
            #"{"file":{"path":"spoof","mode":1},"path":"/tmp/x"}"#,
            #"{"file":{"path":"kept"},"path":7}"#,
            #"{"gen_ai":{"usage":{"input_tokens":1,"output_tokens":2}},"inputTokens":100,"outputTokens":2.5}"#,
            #"{"gen_ai":{"usage":{"input_tokens":1,"output_tokens":2}},"inputTokens":1.0}"#,
            #"{"runra":{"event":{"id":"x","type":"y"},"sandbox":{"id":"z"},"run":{"id":"w"}}}"#,
            #"{"level":"warn","path":"/p","inputTokens":3}"#,
            #"{"level":"nonsense","exitCode":2}"#,
        ]
        let types = [
            "exec.completed", "exec.started", "file.read", "file.created", "file.error", "cost.llm", "sandbox.created",
            "agent.tool_call", "agent.error", "sandbox.paused",
        ]
        let heads = [
            #""id":"e1","timestamp":"2026-06-15T10:30:01.500Z","sandboxId":"sb","runId":"run""#,
            #""timestamp":"2026-06-15T10:30:01+02:00","runId":"r\u00e9""#,
            #""id":"e\"3","sandboxId":5,"runId":null"#,
            #""id":7,"timestamp":"not a time""#,
        ]
        var lines: [String] = []
        for type in types {
            for head in heads {
                for data in datas { lines.append(#"{"type":"\#(type)",\#(head),"data":\#(data)}"#) }
            }
        }
        #expect(try Self.expectSameBytes(lines) == 0)
    }

    /// Log severity: `data.level`, then the type rules (a type without escapes matched on its bytes).
    @Test func levelsEncodeAlike() throws {
        let types = [
            "sandbox.error", "x.error", "\u{600}.error", "error", ".error", "exec.completed", "exec.\\u0063ompleted",
            "agent.thinking", "agent.\\u0074hinking", "exec.streamed", "a\\u002eerror", "\\u0600.error", "info",
        ]
        let datas = [
            #"{"level":"WARN"}"#, #"{"level":"warning"}"#, #"{"level":"w\u0061rn"}"#, #"{"level":1}"#,
            #"{"level":"debug","level":"bogus"}"#, #"{"exitCode":1}"#, #"{"exitCode":0,"level":"error"}"#,
            #"{"exitCode":"1"}"#, #"{"exitCode":-0.5}"#, "{}", #""x""#,
        ]
        var lines: [String] = []
        for type in types {
            for data in datas {
                lines.append(#"{"id":"e","timestamp":"2026-06-15T10:30:00Z","type":"\#(type)","data":\#(data)}"#)
            }
        }
        #expect(try Self.expectSameBytes(lines) == 0)
    }

    /// Keys the byte path does not sort or flatten itself go through the value tree: same bytes still.
    @Test func keysLeftToTheValueTreeEncodeAlike() throws {
        let datas = [
            #"{"a.b":1,"a":{"b":2,"c":3}}"#,
            #"{"":{"x":1},"x":2,"process":{"exit":{"code":1}},"exitCode":4}"#,
            #"{"":5,"a":{"":6}}"#,
            #"{"\u0061":1,"b":{"\u0063":2}}"#,
            #"{"é":1,"e\u0301":2,"z":3}"#,
            "{\"\u{212A}\":1,\"K\":2}",  // KELVIN SIGN and K are equal Swift strings
            #"{"list":[{"ü":1,"u":2}],"x":1}"#,
            #"{"runra.event.id":"spoof","a.b.c":2,"a":{"b":{"c":1}}}"#,
        ]
        var lines: [String] = []
        for type in ["exec.completed", "agent.thinking"] {
            for data in datas {
                lines.append(
                    #"{"id":"e","timestamp":"2026-06-15T10:30:00Z","type":"\#(type)","runId":"r","data":\#(data)}"#
                )
            }
        }
        #expect(try Self.expectSameBytes(lines) == lines.count)
    }

    /// Random nested `data` from a seeded generator: plain keys (the byte path) and, mixed in, keys that
    /// send an event to the value tree.
    @Test(arguments: [false, true]) func randomDataEncodesAlike(withAwkwardKeys: Bool) throws {
        var random = JSONTextGenerator(seed: withAwkwardKeys ? 99 : 42)
        let types = ["exec.completed", "exec.started", "file.read", "cost.llm", "agent.tool_call", "agent.thinking"]
        let lines = (0..<3000).map { index in
            let data = random.object(depth: 0, awkward: withAwkwardKeys)
            let type = types[random.below(types.count)]
            return
                #"{"id":"e\#(index)","timestamp":"2026-06-15T10:30:0\#(index % 10)Z","type":"\#(type)","runId":"#
                + #""r\#(index % 7)","data":\#(data)}"#
        }
        let valueTree = try Self.expectSameBytes(lines)
        if withAwkwardKeys { #expect(valueTree > 0 && valueTree < lines.count) } else { #expect(valueTree == 0) }
    }
}

/// A small deterministic generator of JSON texts (on the log generator's seeded source).
private struct JSONTextGenerator {
    var random: RandomSource

    init(seed: UInt64) { random = RandomSource(seed: seed) }

    mutating func below(_ bound: Int) -> Int { random.below(bound) }

    static let keys = [
        "a", "b", "c", "aa", "ab", "B", "_x", "0", "command", "exitCode", "path", "durationMs", "inputTokens",
        "outputTokens",
        "level", "process", "exit", "code", "command_line", "file", "runra", "event", "type", "id", "gen_ai", "usage",
        "input_tokens", String(repeating: "k", count: 130),
    ]
    static let awkwardKeys = ["a.b", "", "é", #"\u0061"#, "process.exit.code"]
    static let strings = [
        "", "x", "npm test", #"a\"b"#, #"tab\there"#, #"\u00e9\ud83d\ude00"#, #"\ud800"#, "✓ ünï", #"C:\\path"#,
        String(repeating: "y", count: 200),
    ]
    static let numbers = [
        "0", "-0", "1", "-1", "2.5", "1e3", "1.0", "-7.25e-3", "123456789012345678", "9223372036854775807", "1e19",
        "0.1",
    ]

    mutating func value(depth: Int, awkward: Bool) -> String {
        switch below(depth >= 3 ? 5 : 8) {
        case 0: return "null"
        case 1: return below(2) == 0 ? "true" : "false"
        case 2: return #""\#(Self.strings[below(Self.strings.count)])""#
        case 3, 4: return Self.numbers[below(Self.numbers.count)]
        case 5, 6: return object(depth: depth + 1, awkward: awkward)
        default:
            return "[" + (0..<below(4)).map { _ in value(depth: depth + 1, awkward: awkward) }.joined(separator: ",")
                + "]"
        }
    }

    mutating func object(depth: Int, awkward: Bool) -> String {
        let members = (0..<below(depth == 0 ? 8 : 4)).map { _ in
            let key =
                awkward && below(40) == 0
                ? Self.awkwardKeys[below(Self.awkwardKeys.count)] : Self.keys[below(Self.keys.count)]
            return #""\#(key)":\#(value(depth: depth, awkward: awkward))"#
        }
        return "{" + members.joined(separator: ",") + "}"
    }
}
