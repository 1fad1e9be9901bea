import Foundation
import RunraTestSupport
import Testing

/// `stats` tables line up on a terminal when group values hold CJK text or emoji: every line of the metric table
/// takes the same number of columns, counted by Python's `unicodedata` (East Asian Width W/F two, combining zero).
@Suite(.timeLimit(.minutes(5))) struct StatsTableWidthTests {
    static let sandboxes = ["sb_plain", "sb_データ", "sb_🚀🚀", "sb_日本語テスト", "sb_e\u{301}té", "sb_Ａｂｃ"]

    /// Each line's width in terminal columns, as Python counts it.
    static func pythonWidths(_ lines: [String]) throws -> [Int]? {
        guard let python = ExternalTool.find("python3", package: "python3") else { return nil }
        let directory = try TemporaryDirectory()
        let file = try directory.write("lines.txt", lines.joined(separator: "\n") + "\n")
        let script = """
            import sys, unicodedata as u
            w = lambda c: 0 if u.combining(c) or u.category(c) in ('Mn', 'Me', 'Cf') else 2 if u.east_asian_width(c) \
            in 'WF' else 1
            for line in open(sys.argv[1], encoding='utf-8'): print(sum(w(c) for c in line.rstrip('\\n')))
            """
        let result = try python.run(["-c", script, file])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdoutLines.map { Int($0)! }
    }

    @Test func everyLineOfTheMetricTableIsAsWideAsItsHeader() throws {
        let directory = try TemporaryDirectory()
        var lines: [String] = []
        for (index, sandbox) in Self.sandboxes.enumerated() {
            for repeat_ in 0...index {
                lines.append(
                    #"{"id":"w\#(index)_\#(repeat_)","timestamp":"2026-06-15T10:30:00Z","type":"exec.completed","#
                        + #""sandboxId":"\#(sandbox)","data":{"exitCode":0,"durationMs":\#(10 + repeat_ * 1234)}}"#
                )
            }
        }
        let input = try directory.write("events.jsonl", lines.joined(separator: "\n") + "\n")
        let result = try CLI.run(["stats", "--by", "sandboxId", input])
        #expect(result.status == 0, "\(result.stderr)")
        let table = Array(result.stdoutLines.drop { !$0.hasPrefix("sandboxId") })
        #expect(table.count == 1 + Self.sandboxes.count, "\(result.stdoutText)")
        guard let widths = try Self.pythonWidths(table) else { return }
        #expect(Set(widths).count == 1, "widths \(widths):\n\(table.joined(separator: "\n"))")
    }
}
