import Foundation
import RunraTestSupport
import Testing

/// `replay --dead-letter`: each record's `line` is the input line byte for byte (embedded as raw JSON), and
/// `--from-dead-letter` sends exactly those bytes again (docs/replay.md).
@Suite(.timeLimit(.minutes(5))) struct ReplayDeadLetterTests {
    /// Lines that any re-encoding would change: spacing, escapes, number spellings, key order, unicode, nesting.
    static let lines: [String] = [
        #"{"id":"d1","type":"exec.completed","data":{"exitCode":1}}"#,
        #"{ "type" : "exec.completed" , "id" : "d2" , "data" : { "n" : 1.50 , "e" : 1E+2 , "z" : -0 } }"#,
        #"{"id":"d3","type":"agent.tool_call","data":{"s":"\u00e9\ud83d\ude00\/\"\\\n\t","big":"#
            + #"123456789012345678901234567890}}"#,
        #"{"id":"d4","type":"file.read","timestamp":"2026-06-15T10:30:00+02:00","data":{"path":"/tmp/東京 ü","a":[1,[2,"#
            + #"[3,{}]],null,true,false]}}"#,
        #"{"type":"sandbox.created","id":"d5","extra":{"kept":"as is"},"data":{},"z":"last"}"#,
        "{\"id\":\"d6\",\"type\":\"exec.streamed\",\"data\":{\"chunk\":\"" + String(repeating: "x\\u0000", count: 2000)
            + "\"}}",
    ]

    /// The bytes of a record's `line` member: everything after the first `,"line":` up to the closing `}`.
    /// (`,"line":` cannot occur earlier: a quote inside the JSON strings before it is always escaped.)
    static func rawLine(of record: Data) -> Data? {
        let marker = Data(#","line":"#.utf8)
        guard let range = record.range(of: marker), record.last == UInt8(ascii: "}") else { return nil }
        return record.subdata(in: range.upperBound..<(record.endIndex - 1))
    }

    @Test func recordsKeepTheLineByteForByteAndAreResentAsIs() throws {
        let directory = try TemporaryDirectory()
        // CRLF endings on some lines: the line is what comes before them (SPEC §3).
        var text = ""
        for (index, line) in Self.lines.enumerated() { text += line + (index % 2 == 0 ? "\r\n" : "\n") }
        let input = try directory.write("in.jsonl", text)
        let dead = directory.path("dead.jsonl")
        // A file under /proc cannot be created: the exporter fails and gives up on every event.
        let failed = try CLI.run([
            "replay", "-q", "--to", "jsonl", "--set", "filePath=/proc/runra-no/x.jsonl", "--dead-letter", dead, input,
        ])
        #expect(failed.status == 4, "\(failed.stderr)")

        let records = try Data(contentsOf: URL(fileURLWithPath: dead)).split(separator: UInt8(ascii: "\n")).map {
            Data($0)
        }
        try #require(records.count == Self.lines.count)
        for (record, line) in zip(records, Self.lines) {
            // The documented schema: an object of exactly these members, `line` an object.
            let object = try #require(try JSONSerialization.jsonObject(with: record) as? [String: Any])
            #expect(Set(object.keys) == ["exporter", "reason", "status", "line"])
            #expect(object["exporter"] as? String == "jsonl")
            #expect((object["reason"] as? String)?.hasPrefix("gave up: ") == true)
            #expect(object["status"] is NSNull)
            #expect(object["line"] is [String: Any])
            #expect(
                Self.rawLine(of: record) == Data(line.utf8),
                "record: \(String(decoding: record, as: UTF8.self).prefix(200))"
            )
        }

        let out = directory.path("resent.jsonl")
        let resent = try CLI.run([
            "replay", "-q", "--to", "jsonl", "--set", "filePath=\(out)", "--from-dead-letter", dead,
        ])
        #expect(resent.status == 0, "\(resent.stderr)")
        let written = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(written == Data((Self.lines.joined(separator: "\n") + "\n").utf8))
    }
}
