import Testing

@testable import RunraPostgres

@Suite struct COPYTextEncoderTests {
    private func encode(_ row: PGEventRow, jsonb: Bool = true) -> String {
        var buffer: [UInt8] = []
        COPYTextEncoder(sanitizesJSONB: jsonb).append(row, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    private func row(id: String = "e1", timestamp: String = "2026-06-15T10:30:00Z", data: String) -> PGEventRow {
        PGEventRow(
            id: id,
            timestamp: timestamp,
            type: "exec.completed",
            sandboxId: "sb",
            runId: "run",
            dataJSON: Array(data.utf8)
        )
    }

    @Test func writesOneTabSeparatedLine() {
        #expect(encode(row(data: #"{"a":1}"#)) == "e1\t2026-06-15T10:30:00Z\texec.completed\tsb\trun\t{\"a\":1}\n")
    }

    @Test func escapesBackslashTabNewlineAndCarriageReturnInText() {
        let encoded = encode(row(id: "a\\b\tc\nd\re\\N", data: "{}"))
        #expect(encoded.hasPrefix(#"a\\b\tc\nd\re\\N"# + "\t"))
    }

    @Test func nulInTextBecomesTheReplacementCharacter() {
        #expect(encode(row(id: "a\u{0}b", data: "{}")).hasPrefix("a\u{FFFD}b\t"))
    }

    @Test func emptyTimestampIsNullAndEmptyDataIsAnEmptyObject() {
        #expect(encode(row(timestamp: "", data: "")) == "e1\t\\N\texec.completed\tsb\trun\t{}\n")
    }

    @Test func jsonBackslashesAreDoubled() {
        // JSON "a\nb" and "q\"" and a literal backslash "\\".
        let data = #"{"s":"a\nb","q":"q\"","b":"\\"}"#
        #expect(encode(row(data: data)).hasSuffix(#"{"s":"a\\nb","q":"q\\"","b":"\\\\"}"# + "\n"))
    }

    @Test(arguments: [
        (#"{"s":"\u0000"}"#, #"{"s":"\\ufffd"}"#),
        (#"{"s":"x\ud800y"}"#, #"{"s":"x\\ufffdy"}"#),
        (#"{"s":"\uDE00"}"#, #"{"s":"\\ufffd"}"#),
        (#"{"s":"\ud83d"}"#, #"{"s":"\\ufffd"}"#),
        (#"{"s":"\ud83d\ud83d\ude00"}"#, #"{"s":"\\ufffd\\ud83d\\ude00"}"#),
        (#"{"s":"\ud83d\ude00"}"#, #"{"s":"\\ud83d\\ude00"}"#),
        (#"{"s":"\u00e9\u0041"}"#, #"{"s":"\\u00e9\\u0041"}"#),
        (#"{"s":"\\u0000"}"#, #"{"s":"\\\\u0000"}"#),
        (#"{"\u0000key":1}"#, #"{"\\ufffdkey":1}"#),
    ])
    func jsonbRuleReplacesNulAndLoneSurrogates(data: String, expected: String) {
        #expect(encode(row(data: data)).hasSuffix("\t" + expected + "\n"))
    }

    @Test func textColumnKeepsTheEscapesVerbatim() {
        #expect(encode(row(data: #"{"s":"\u0000"}"#), jsonb: false).hasSuffix("\t" + #"{"s":"\\u0000"}"# + "\n"))
    }
}

@Suite struct EventTableTests {
    @Test func defaultTableUsesTheSpecIndexNames() {
        let statements = PGEventTable().createStatements.joined(separator: "\n")
        #expect(statements.contains(#"CREATE TABLE IF NOT EXISTS "public"."runra_events""#))
        for name in ["idx_events_type", "idx_events_sandbox", "idx_events_run", "idx_events_timestamp"] {
            #expect(statements.contains("\"\(name)\""))
        }
        #expect(statements.contains("data JSONB NOT NULL"))
        #expect(!statements.contains("CREATE SCHEMA"))
    }

    @Test func otherTablesNameTheirIndexesAfterThemselves() {
        let statements = PGEventTable(schema: "analytics", name: "ci_events", dataColumn: .text).createStatements
            .joined(separator: "\n")
        #expect(statements.contains(#"CREATE SCHEMA IF NOT EXISTS "analytics""#))
        #expect(statements.contains(#""idx_ci_events_sandbox" ON "analytics"."ci_events" (sandbox_id)"#))
        #expect(statements.contains(#""idx_ci_events_timestamp" ON "analytics"."ci_events" (timestamp DESC)"#))
        #expect(statements.contains("data TEXT NOT NULL"))
    }
}

@Suite struct EventLoaderSplitTests {
    @Test func splitsAroundTheLineTheServerBlamed() {
        #expect(EventLoader.split(10..<20, failedLine: 3) == [10..<12, 12..<13, 13..<20])
        #expect(EventLoader.split(10..<20, failedLine: 1) == [10..<10, 10..<11, 11..<20])
    }

    @Test func splitsInHalvesWithoutAUsableLine() {
        #expect(EventLoader.split(0..<10, failedLine: nil) == [0..<5, 5..<10])
        #expect(EventLoader.split(0..<10, failedLine: 11) == [0..<5, 5..<10])
    }

    @Test func readsTheLineFromTheServerContext() {
        var error = PostgresError(.copyFailed, context: "c", serverMessage: "m", sqlState: "22008")
        error.serverContext = #"COPY runra_stage, line 42, column timestamp: "2026-13-45T00:00:00Z""#
        #expect(EventLoader.failedLine(error) == 42)
        #expect(EventLoader.isRowError(error))
        error.sqlState = "08006"
        #expect(!EventLoader.isRowError(error))
    }
}
