import Foundation
import RunraTestSupport
import Testing

/// `-o pretty` writes each member of data as one `key=value` item: a key with a space, a quote, an `=`, a control
/// character, or no characters at all, is quoted like such a value (#27).
@Suite(.timeLimit(.minutes(5))) struct PrettyKeysTests {
    @Test func oddKeysAreQuoted() throws {
        let line =
            #"{"id":"k1","timestamp":"2026-06-15T10:30:00.000Z","type":"file.read","data":{"plain":1,"two words":"a "#
            + #"b","a=b":2,"tab\tkey":3,"":4,"quote\"d":5}}"#
        let directory = try TemporaryDirectory()
        let file = try directory.write("events.jsonl", line + "\n")
        let result = try CLI.run(["filter", "-o", "pretty", "--color", "never", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdoutText
                == #"2026-06-15T10:30:00.000Z INFO  file.read plain=1 "two words"="a b" "a=b"=2 "tab\tkey"=3 "#
                + #"""=4 "quote\"d"=5"#
                + "\n"
        )
    }
}
