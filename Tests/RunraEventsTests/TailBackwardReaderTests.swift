import Foundation
import Testing

@testable import RunraEvents

/// The backward block reader and the forward splitter against a simple reference split.
@Suite struct TailBackwardReaderTests {
    /// A file holding `bytes`, open for reading, removed afterwards.
    final class TemporaryFile {
        let path: String
        let descriptor: Int32
        init(_ bytes: [UInt8]) throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("tail-\(UUID().uuidString)").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            descriptor = open(path, O_RDONLY)
        }
        deinit {
            close(descriptor)
            unlink(path)
        }
    }

    /// What a forward reader sees: lines split on \n, a \r before it and a BOM at offset 0 dropped,
    /// the last segment only when non-empty. Each with its start offset.
    static func reference(_ bytes: [UInt8]) -> [(String, Int64)] {
        var result: [(String, Int64)] = []
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x0A {
            if index == bytes.count && start == index { break }
            var line = Array(bytes[start..<index])
            if line.last == 0x0D { line.removeLast() }
            if start == 0 && line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
            result.append((String(decoding: line, as: UTF8.self), Int64(start)))
            start = index + 1
        }
        return result
    }

    /// Every line read backwards, returned in file order; overlong lines as "<overlong>".
    static func readBackward(
        _ bytes: [UInt8],
        blockSize: Int,
        maximumLineBytes: Int = 1 << 20
    ) throws -> [(String, Int64)] {
        let file = try TemporaryFile(bytes)
        let reader = BackwardLineReader(
            fileDescriptor: file.descriptor,
            name: file.path,
            end: Int64(bytes.count),
            blockSize: blockSize,
            maximumLineBytes: maximumLineBytes
        )
        var lines: [(String, Int64)] = []
        var isFirst = true
        try reader.forEachLine { line in
            switch line {
            case .line(let content, let offset):
                // The segment after a final newline is empty; the reference leaves it out.
                if !(isFirst && content.isEmpty && offset == Int64(bytes.count)) {
                    lines.append((String(decoding: content, as: UTF8.self), offset))
                }
            case .overlong(let offset): lines.append(("<overlong>", offset))
            }
            isFirst = false
            return true
        }
        return lines.reversed()
    }

    static func same(_ a: [(String, Int64)], _ b: [(String, Int64)]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    static let samples: [(String, [UInt8])] = [
        (
            "varied lengths",
            Array((0..<60).map { "line \($0) " + String(repeating: "x", count: ($0 * 7) % 23) + "\n" }.joined().utf8)
        ),
        ("CRLF", Array("one\r\ntwo\r\n\r\nthree\r\n".utf8)),
        ("no trailing newline", Array("first\nsecond\nthird without newline".utf8)),
        ("BOM at start", [0xEF, 0xBB, 0xBF] + Array("{\"type\":\"a\"}\n{\"type\":\"b\"}\n".utf8)),
        ("blank lines", Array("\n\na\n\n  \nb\n\n".utf8)),
        ("single line, no newline", Array("only".utf8)),
        ("only newlines", Array("\n\n\n".utf8)),
        ("multibyte", Array("héllo wörld\n日本語のテキスト\n🚀🚀🚀\n".utf8)),
    ]

    @Test(arguments: [1, 2, 3, 5, 8, 64, 65536])
    func matchesTheForwardSplitAtEveryBlockSize(blockSize: Int) throws {
        for (name, bytes) in Self.samples {
            let got = try Self.readBackward(bytes, blockSize: blockSize)
            let expected = Self.reference(bytes)
            #expect(Self.same(got, expected), "\(name) at block size \(blockSize): \(got) != \(expected)")
        }
    }

    @Test func stopsAsSoonAsAskedAndReadsOnlyTheEnd() throws {
        // 100 lines, block of 16 bytes: asking for two lines must not reach the first line.
        let bytes = Array((0..<100).map { String(format: "line %03d\n", $0) }.joined().utf8)
        let file = try TemporaryFile(bytes)
        let reader = BackwardLineReader(
            fileDescriptor: file.descriptor,
            name: file.path,
            end: Int64(bytes.count),
            blockSize: 16,
            maximumLineBytes: 100
        )
        var seen: [String] = []
        try reader.forEachLine { line in
            if case .line(let content, _) = line, !content.isEmpty {
                seen.append(String(decoding: content, as: UTF8.self))
            }
            return seen.count < 2
        }
        #expect(seen == ["line 099", "line 098"])
    }

    @Test func overlongLinesAreReportedWithTheirOffsetAndNotHeld() throws {
        let long = String(repeating: "z", count: 300)
        let text = "short\n\(long)\nafter\n\(long)"
        for blockSize in [1, 4, 7, 64, 1024] {
            let got = try Self.readBackward(Array(text.utf8), blockSize: blockSize, maximumLineBytes: 20)
            let expected: [(String, Int64)] = [("short", 0), ("<overlong>", 6), ("after", 307), ("<overlong>", 313)]
            #expect(Self.same(got, expected), "block size \(blockSize): \(got)")
        }
    }

    @Test func aLineOfExactlyTheLimitIsAccepted() throws {
        let got = try Self.readBackward(Array("12345\r\n123456\n".utf8), blockSize: 2, maximumLineBytes: 5)
        #expect(Self.same(got, [("12345", 0), ("<overlong>", 7)]))
    }

    @Test func splitterHoldsAPartialLineUntilItsNewline() {
        var splitter = LineSplitter(maximumLineBytes: 100)
        var lines: [String] = []
        func collect(_ line: LineSplitter.Line) {
            if case .line(let content, _, _) = line { lines.append(String(decoding: content, as: UTF8.self)) }
        }
        for piece in ["{\"ty", "pe\":\"a\"}", "\r", "\n{\"type\"", ":\"b\"}\n", "tail"] {
            Array(piece.utf8).withUnsafeBytes { splitter.feed($0, collect) }
        }
        #expect(lines == ["{\"type\":\"a\"}", "{\"type\":\"b\"}"])
        #expect(splitter.holdsPartialLine)
        splitter.finish(collect)
        #expect(lines.last == "tail")
        #expect(!splitter.holdsPartialLine)
    }

    @Test(arguments: [1, 3, 64])
    func splitterFedInPiecesMatchesTheReference(pieceSize: Int) {
        for (name, bytes) in Self.samples {
            var splitter = LineSplitter(maximumLineBytes: 1 << 20)
            var got: [(String, Int64)] = []
            func collect(_ line: LineSplitter.Line) {
                if case .line(let content, _, let offset) = line {
                    got.append((String(decoding: content, as: UTF8.self), offset))
                }
            }
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + pieceSize)
                Array(bytes[start..<end]).withUnsafeBytes { splitter.feed($0, collect) }
                start = end
            }
            splitter.finish(collect)
            #expect(Self.same(got, Self.reference(bytes)), "\(name) in pieces of \(pieceSize): \(got)")
        }
    }

    @Test func badLineFoundBackwardsNamesItsByteOffset() {
        let bad = BadLine(source: "app.jsonl", lineNumber: 0, reason: "not a JSON object", line: nil, byteOffset: 1234)
        #expect(bad.diagnostic == "app.jsonl: bad line near byte 1234: not a JSON object")
        let numbered = BadLine(source: "app.jsonl", lineNumber: 7, reason: "not a JSON object", line: nil)
        #expect(numbered.diagnostic == "app.jsonl:7: not a JSON object")
    }
}
