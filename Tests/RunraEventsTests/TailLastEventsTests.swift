import Foundation
import Testing

@testable import RunraEvents

/// `EventTail` without following: how many events, which ones, and the bad lines met on the way.
@Suite struct TailLastEventsTests {
    static func event(_ type: String, _ id: Int) -> String { "{\"type\":\"\(type)\",\"id\":\"e\(id)\"}" }

    /// Runs the tail on `text` written to a file, with a tiny block size; returns the output lines and bad lines.
    static func tail(
        _ text: String,
        configure: (inout EventTail) -> Void
    ) throws -> (lines: [String], bad: [BadLine], summary: EventTail.Summary) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("app.jsonl").path
        let outputPath = directory.appendingPathComponent("out").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: input))
        let descriptor = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(descriptor) }
        var tail = EventTail(selection: EventSelection())
        tail.blockSize = 32
        configure(&tail)
        var bad: [BadLine] = []
        let writer = ByteWriter(fileDescriptor: descriptor)
        let summary = try tail.run(path: input, output: writer, onBadLine: { bad.append($0) })
        let out = try String(contentsOfFile: outputPath, encoding: .utf8)
        return (out.split(separator: "\n").map(String.init), bad, summary)
    }

    @Test func lastTenByDefault() throws {
        let text = (1...25).map { Self.event("a", $0) + "\n" }.joined()
        let result = try Self.tail(text) { _ in }
        #expect(result.lines == (16...25).map { Self.event("a", $0) })
        // Only the end of the file was read.
        #expect(result.summary.read.lines < 25)
    }

    @Test func fewerEventsThanAskedGivesThemAll() throws {
        let text = "\n" + Self.event("a", 1) + "\r\n\n" + Self.event("a", 2)
        let result = try Self.tail(text) { $0.count = 50 }
        #expect(result.lines == [Self.event("a", 1), Self.event("a", 2)])
        #expect(result.bad.isEmpty)
    }

    @Test func selectionReachesFarBack() throws {
        // The only two exec.completed events are at the very start, behind 500 others.
        var text = Self.event("exec.completed", 1) + "\n" + Self.event("exec.completed", 2) + "\n"
        text += (3...502).map { Self.event("agent.thinking", $0) + "\n" }.joined()
        let result = try Self.tail(text) {
            $0.count = 5
            $0.selection.types = [Glob("exec.*")]
        }
        #expect(result.lines == [Self.event("exec.completed", 1), Self.event("exec.completed", 2)])
        let stopsEarly = try Self.tail(text) {
            $0.count = 1
            $0.selection.types = [Glob("exec.*")]
        }
        #expect(stopsEarly.lines == [Self.event("exec.completed", 2)])
    }

    @Test func badLinesAreReportedInFileOrderWithByteOffsets() throws {
        let first = Self.event("a", 1) + "\n"
        let text = first + "not json\n" + Self.event("a", 2) + "\n" + "[1]\n" + Self.event("a", 3) + "\n"
        let result = try Self.tail(text) { $0.count = 3 }
        #expect(result.lines == [Self.event("a", 1), Self.event("a", 2), Self.event("a", 3)])
        #expect(
            result.bad.map(\.byteOffset) == [
                Int64(first.utf8.count), Int64(first.utf8.count + 9 + Self.event("a", 2).utf8.count + 1),
            ]
        )
        #expect(result.bad.allSatisfy { $0.lineNumber == 0 })
        #expect(result.bad.last?.diagnostic.hasSuffix(": not a JSON object") == true)
    }

    @Test func zeroEventsReadsNothing() throws {
        let result = try Self.tail(Self.event("a", 1) + "\n") { $0.count = 0 }
        #expect(result.lines.isEmpty)
        #expect(result.summary.read.lines == 0)
    }

    @Test func csvHeaderAndJSONArrayWrapTheEvents() throws {
        let text = (1...3).map { Self.event("a", $0) + "\n" }.joined()
        let csv = try Self.tail(text) {
            $0.count = 2
            $0.format = .csv
            $0.fields = [JSONPath(keys: "id")]
        }
        #expect(csv.lines == ["id", "e2", "e3"])
        let json = try Self.tail(text) {
            $0.count = 2
            $0.format = .json
        }
        #expect(json.lines == ["[", Self.event("a", 2) + ",", Self.event("a", 3), "]"])
    }
}
