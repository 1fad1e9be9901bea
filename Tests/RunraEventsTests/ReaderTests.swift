import Foundation
import RunraTestSupport
import Testing

@testable import RunraEvents

@Suite(.timeLimit(.minutes(5))) struct ReaderTests {
    static let chunkSizes = [1, 7, 64, 4096, 1 << 20]

    static func options(chunk: Int, threads: Int = 2) -> ReadOptions {
        var options = ReadOptions()
        options.chunkBytes = chunk
        options.scanThreads = threads
        return options
    }

    /// Many lines of varied length, to exercise chunk boundaries.
    static let manyLines: [String] = (0..<500).map { index in
        let pad = String(repeating: "x", count: (index * 37) % 300)
        return #"{"id":"e\#(index)","type":"t.\#(index % 3)","data":{"pad":"\#(pad)","n":\#(index)}}"#
    }

    @Test(arguments: chunkSizes, [1, 2])
    func chunkSizeAndThreadsDoNotChangeTheResult(chunk: Int, threads: Int) throws {
        let text = Self.manyLines.joined(separator: "\n") + "\n"
        let file = try TemporaryFile(text)
        let run = try FilterRun.run(
            EventFilter(selection: EventSelection()),
            paths: [file.path],
            options: Self.options(chunk: chunk, threads: threads)
        )
        #expect(run.output == text)
        #expect(run.summary.matched == 500)
        #expect(run.summary.read.lines == 500)
    }

    @Test(arguments: chunkSizes)
    func gzipMultiMemberAndPlainReadTheSame(chunk: Int) throws {
        let plain = try FilterRun.run(
            EventFilter(selection: EventSelection()),
            paths: [Fixtures.path("events/small.jsonl")]
        )
        let multi = try FilterRun.run(
            EventFilter(selection: EventSelection()),
            paths: [Fixtures.path("events/multi-member.jsonl.gz")],
            options: Self.options(chunk: chunk)
        )
        #expect(plain.summary.matched == 7)
        #expect(multi.output == plain.output)
        #expect(multi.summary.read.inputErrors.isEmpty)
    }

    @Test func largeGzipStreamsThroughSmallBuffers() throws {
        let text = (0..<20).map { _ in Self.manyLines.joined(separator: "\n") }.joined(separator: "\n") + "\n"
        let gz = try TemporaryFile(try gzipped(Data(text.utf8)), suffix: ".gz")
        let run = try FilterRun.run(
            EventFilter(selection: EventSelection()),
            paths: [gz.path],
            options: Self.options(chunk: 4096)
        )
        #expect(run.output == text)
    }

    @Test func truncatedGzipYieldsCompleteLinesThenAnError() throws {
        let run = try FilterRun.run(
            EventFilter(selection: EventSelection()),
            paths: [Fixtures.path("events/truncated.jsonl.gz")]
        )
        let small = try String(contentsOfFile: Fixtures.path("events/small.jsonl"), encoding: .utf8)
        #expect(run.lines.count == 3)
        #expect(small.hasPrefix(run.output))
        #expect(run.badLines.isEmpty)
        #expect(run.summary.read.inputErrors.count == 1)
        #expect(run.summary.read.inputErrors.first?.code == .truncatedInput)
        #expect(run.summary.read.inputErrors.first?.message.contains("truncated") == true)
    }

    @Test func corruptGzipIsAClearError() throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("events/small.jsonl.gz")))
        for index in 20..<60 { data[index] ^= 0x5A }
        let file = try TemporaryFile(data, suffix: ".gz")
        let run = try FilterRun.run(EventFilter(selection: EventSelection()), paths: [file.path])
        #expect(run.summary.read.inputErrors.first?.code == .corruptCompressedData)
    }

    @Test(arguments: chunkSizes)
    func bomCRLFAndMissingFinalNewline(chunk: Int) throws {
        let run = try FilterRun.run(
            EventFilter(selection: EventSelection()),
            paths: [Fixtures.path("events/bom-crlf-nonewline.jsonl")],
            options: Self.options(chunk: chunk)
        )
        #expect(
            run.lines == [
                #"{"id":"bom","type":"a.b","data":{}}"#, #"{"id":"crlf","type":"a.c","data":{}}"#,
                #"{"id":"last","type":"a.d","data":{}}"#,
            ]
        )
        #expect(run.badLines.isEmpty)
    }

    @Test(arguments: chunkSizes)
    func badLinesAreCountedWithFileAndLineNumbers(chunk: Int) throws {
        let path = Fixtures.path("events/malformed.jsonl")
        var options = Self.options(chunk: chunk)
        options.keepsBadLines = true
        let run = try FilterRun.run(EventFilter(selection: EventSelection()), paths: [path], options: options)
        #expect(run.summary.matched == 2)
        #expect(run.badLines.map(\.lineNumber) == [2, 3, 4, 8, 9])
        #expect(run.badLines.allSatisfy { $0.source == path })
        #expect(run.badLines[0].line == Array(#"{"id":"bad_json","type":"exec.completed","#.utf8))
        #expect(run.badLines[2].reason == "no \"type\" field")
        #expect(run.summary.read.lines == 7)  // blank and whitespace-only lines are not lines
    }

    @Test(arguments: chunkSizes)
    func overlongLinesAreBadAndTheRestSurvives(chunk: Int) throws {
        let long = #"{"type":"big","data":{"s":""# + String(repeating: "y", count: 5000) + "\"}}"
        let text = #"{"type":"a"}"# + "\n" + long + "\n" + #"{"type":"b"}"# + "\n" + long
        let file = try TemporaryFile(text)
        for keeps in [false, true] {
            var options = Self.options(chunk: chunk)
            options.maximumLineBytes = 1000
            options.keepsBadLines = keeps
            let run = try FilterRun.run(EventFilter(selection: EventSelection()), paths: [file.path], options: options)
            #expect(run.lines == [#"{"type":"a"}"#, #"{"type":"b"}"#])
            #expect(run.badLines.map(\.lineNumber) == [2, 4])
            #expect(run.badLines.allSatisfy { $0.reason.contains("longer than 1000 bytes") })
            if keeps { #expect(run.badLines.first?.line.map { String(decoding: $0, as: UTF8.self) } == long) }
        }
    }

    @Test func aLineExactlyAtTheLimitIsAccepted() throws {
        let line = #"{"type":"a","data":""# + String(repeating: "z", count: 100) + "\"}"
        let file = try TemporaryFile(line + "\r\n")
        var options = ReadOptions()
        options.maximumLineBytes = line.utf8.count
        let run = try FilterRun.run(EventFilter(selection: EventSelection()), paths: [file.path], options: options)
        #expect(run.lines == [line])
        options.maximumLineBytes = line.utf8.count - 1
        #expect(
            try FilterRun.run(EventFilter(selection: EventSelection()), paths: [file.path], options: options).badLines
                .count == 1
        )
    }

    @Test func missingFileIsAnInputErrorAndOtherFilesStillRead() throws {
        let run = try FilterRun.run(
            EventFilter(selection: EventSelection()),
            paths: ["/nonexistent/x.jsonl", Fixtures.path("events/small.jsonl")]
        )
        #expect(run.summary.matched == 7)
        #expect(run.summary.read.inputErrors.first?.message.contains("/nonexistent/x.jsonl") == true)
        #expect(run.summary.read.inputErrors.first?.code == .io)
    }

    @Test func limitStopsAfterNEventsInOrder() throws {
        let text = Self.manyLines.joined(separator: "\n") + "\n"
        let file = try TemporaryFile(text)
        var filter = EventFilter(selection: EventSelection())
        filter.limit = 123
        let run = try FilterRun.run(filter, paths: [file.path], options: Self.options(chunk: 512))
        #expect(run.lines == Array(Self.manyLines.prefix(123)))
    }
}
