import Testing

@testable import RunraEvents

/// The scan records members of `data` (`DataMemberKeys`) so that `--where data.exitCode` needs no second walk: every
/// path must find what walking `data` finds, and a line that is bad must be bad either way.
@Suite struct DataMemberRecordingTests {
    static let lines = [
        #"{"type":"t","data":{"exitCode":1,"durationMs":2.5}}"#,
        #"{"type":"t","data":{"durationMs":7,"exitCode":0,"command":"ls"}}"#,
        #"{"type":"t","data":{}}"#,
        #"{"type":"t","data":[{"exitCode":1}]}"#,
        #"{"type":"t","data":"exitCode"}"#,
        #"{"type":"t","data":null}"#,
        #"{"type":"t"}"#,
        #"{"type":"t","exitCode":3,"labels":{"exitCode":4}}"#,
        // Repeated keys: the last one wins, for a member and for `data` itself.
        #"{"type":"t","data":{"exitCode":1,"exitCode":2}}"#,
        #"{"type":"t","data":{"exitCode":1},"data":{"command":"x"}}"#,
        #"{"type":"t","data":{"exitCode":1},"data":[1]}"#,
        #"{"type":"t","data":[1],"data":{"exitCode":5}}"#,
        // Only members of `data` count, not keys deeper down or in other objects.
        #"{"type":"t","data":{"x":{"exitCode":9},"y":[{"exitCode":8}],"exitCode":{"exitCode":7}}}"#,
        #"{"type":"t","other":{"exitCode":1},"data":{"command":"a"}}"#,
        // Keys with escapes are compared decoded.
        #"{"type":"t","data":{"exit\u0043ode":6,"a\nb":1,"a\\nb":2,"\"q\"":3}}"#,
        // Spacing, nesting, unicode, an empty key, and keys longer than 63 bytes.
        "{ \"type\" : \"t\" , \"data\" : { \"exitCode\" : -1.5e3 , \"labels\" : { \"team\" : \"é\" } , \"\" : true } }",
        #"{"data":{"k\#(String(repeating: "x", count: 70))":1,"k\#(String(repeating: "x", count: 71))":2},"type":"t"}"#,
    ]

    static let wantedKeys: [[String]] = [
        ["exitCode"],
        ["exitCode", "durationMs", "command", "labels"],
        ["a\nb", "a\\nb", "\"q\"", ""],
        ["k" + String(repeating: "x", count: 70), "k" + String(repeating: "x", count: 71), "exitCode"],
    ]

    static let paths: [JSONPath] = [
        JSONPath(keys: "data", "exitCode"), JSONPath(keys: "data", "durationMs"), JSONPath(keys: "data", "command"),
        JSONPath(keys: "data", "labels", "team"), JSONPath(keys: "data", "x", "exitCode"),
        JSONPath(keys: "data", "a\nb"), JSONPath(keys: "data", "a\\nb"), JSONPath(keys: "data", "\"q\""),
        JSONPath(keys: "data", ""), JSONPath(keys: "data", "k" + String(repeating: "x", count: 70)),
        JSONPath(keys: "data", "k" + String(repeating: "x", count: 71)), JSONPath(keys: "data", "missing"),
        JSONPath(keys: "data"), JSONPath(keys: "exitCode"),
    ]

    @Test(arguments: wantedKeys)
    func recordedMembersAreWhatAWalkOfDataFinds(_ keys: [String]) throws {
        let dataKeys = try #require(DataMemberKeys(keys))
        let record = UnsafeMutablePointer<DataMemberRecord>.allocate(capacity: 1)
        record.initialize(to: DataMemberRecord())
        defer { record.deallocate() }
        let members = dataKeys.recording(into: record)
        var recordedSomething = false
        for line in Self.lines {
            let bytes = Array(line.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                var plainFields = EventFields()
                var fields = EventFields()
                #expect(JSONScanner.scan(buffer, into: &plainFields) == nil, "\(line)")
                #expect(JSONScanner.scan(buffer, into: &fields, recording: members) == nil, "\(line)")
                let walked = EventLine(bytes: buffer, fields: plainFields)
                let recorded = EventLine(bytes: buffer, fields: fields, dataMembers: members)
                for path in Self.paths {
                    #expect(recorded.span(at: path) == walked.span(at: path), "\(line) \(path)")
                }
                #expect(recorded.exitCode == walked.exitCode, "\(line)")
                #expect(recorded.level == walked.level, "\(line)")
                if let key = keys.first, members.span(named: key, dataStart: fields.data.start) != nil {
                    recordedSomething = true
                }
            }
        }
        // The comparison above would pass if nothing were ever recorded.
        #expect(recordedSomething)
    }

    @Test func recordedSpansAreTheValues() throws {
        let dataKeys = try #require(DataMemberKeys(["exitCode", "durationMs", "exitCode"]))
        #expect(dataKeys.names == ["exitCode", "durationMs"])
        let record = UnsafeMutablePointer<DataMemberRecord>.allocate(capacity: 1)
        record.initialize(to: DataMemberRecord())
        defer { record.deallocate() }
        let members = dataKeys.recording(into: record)
        let line = Array(
            #"{"type":"t","data":{"durationMs":7,"exitCode":[1, 2],"exitCode":{"a":1}},"data":{"exitCode":-3}}"#.utf8
        )
        try line.withUnsafeBufferPointer { buffer in
            var fields = EventFields()
            #expect(JSONScanner.scan(buffer, into: &fields, recording: members) == nil)
            let exitCode = try #require(members.span(named: "exitCode", dataStart: fields.data.start) ?? nil)
            #expect(String(decoding: buffer[exitCode.start..<exitCode.end], as: UTF8.self) == "-3")
            // The first `data` was recorded over: its durationMs is not the line's.
            #expect(members.span(named: "durationMs", dataStart: fields.data.start) == .some(nil))
            #expect(members.span(named: "command", dataStart: fields.data.start) == nil)  // not recorded
        }
    }

    @Test func badLinesAreBadWhetherOrNotMembersAreRecorded() throws {
        let dataKeys = try #require(DataMemberKeys(["exitCode"]))
        let record = UnsafeMutablePointer<DataMemberRecord>.allocate(capacity: 1)
        record.initialize(to: DataMemberRecord())
        defer { record.deallocate() }
        let bad = [
            #"{"type":"t","data":{"exitCode":01}}"#, #"{"type":"t","data":{"exitCode":1,}}"#,
            #"{"type":"t","data":{"exitCode" 1}}"#, #"{"type":"t","data":{"exit\qCode":1}}"#,
            #"{"type":"t","data":{"exitCode":1}"#, #"{"type":"t","data":{"exitCode":"\u12"}}"#,
            "{\"type\":\"t\",\"data\":{\"exitCode\":\"\u{1}\"}}",
        ]
        for line in bad {
            Array(line.utf8).withUnsafeBufferPointer { buffer in
                var plain = EventFields()
                var fields = EventFields()
                let expected = JSONScanner.scan(buffer, into: &plain)
                #expect(expected != nil, "\(line)")
                #expect(
                    JSONScanner.scan(buffer, into: &fields, recording: dataKeys.recording(into: record)) == expected,
                    "\(line)"
                )
            }
        }
    }

    @Test func keysComeFromTheSelectionAndTheFields() throws {
        var selection = EventSelection()
        selection.conditions = [
            try Expression(parsing: "data.exitCode != 0 and data.labels.team == 'x' or type == 'y'")
        ]
        #expect(selection.dataKeysRead == ["exitCode", "labels"])
        selection.minimumLevel = .error
        #expect(selection.dataKeysRead == ["exitCode", "labels", "level", "exitCode"])
        #expect(DataMemberKeys(selection.dataKeysRead)?.names == ["exitCode", "labels", "level"])
        #expect(DataMemberKeys(["a", "b", "c", "d", "e"])?.names == ["a", "b", "c", "d"])
        #expect(DataMemberKeys([String]()) == nil)
    }
}
