import Foundation
import RunraTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A file deleted or truncated while `filter` reads it. `filter` writes into a pipe the test does not read yet, so it
/// stops part-way through the file; the test changes the file, then reads everything.
@Suite(.timeLimit(.minutes(5))) struct FaultReaderTests {
    struct Run {
        var status: Int32
        var output: Data
        var stderr: String
    }

    /// Runs `filter FILE`, lets it block on a full pipe, calls `change`, then drains the output.
    func filter(_ path: String, whileBlocked change: () throws -> Void) throws -> Run {
        let folder = try TemporaryDirectory()
        let errorPath = folder.path("stderr")
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["filter", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        try process.run()
        var output = pipe.fileHandleForReading.readData(ofLength: 4096)  // it has started and is reading
        try change()
        output += pipe.fileHandleForReading.readDataToEndOfFile()
        try process.waitForExit()
        #expect(process.terminationReason == .exit)
        return Run(
            status: process.terminationStatus,
            output: output,
            stderr: try String(contentsOfFile: errorPath, encoding: .utf8)
        )
    }

    func copyOfTheSample(_ folder: TemporaryDirectory) throws -> String {
        let path = folder.path("live.jsonl")
        try FileManager.default.copyItem(atPath: FaultSample.big, toPath: path)
        return path
    }

    /// The open descriptor keeps the deleted file's data: everything comes out.
    @Test func aFileDeletedUnderTheReaderIsReadToTheEnd() throws {
        let folder = try TemporaryDirectory()
        let path = try copyOfTheSample(folder)
        let run = try filter(path) { try FileManager.default.removeItem(atPath: path) }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty)
        #expect(run.output == FileManager.default.contents(atPath: FaultSample.big))
    }

    /// Emptied (`> file`, a copytruncate) while read: the lines read so far, whole, then a clear error (exit 2).
    @Test func aFileTruncatedUnderTheReaderEndsWithAClearError() throws {
        let folder = try TemporaryDirectory()
        let path = try copyOfTheSample(folder)
        let run = try filter(path) { #expect(truncate(path, 0) == 0) }
        #expect(run.status == 2, "\(run.stderr)")
        #expect(
            run.stderr.contains("\(path): the file was truncated while being read (it has 0 bytes now"),
            "\(run.stderr)"
        )
        let source = try #require(FileManager.default.contents(atPath: FaultSample.big))
        #expect(run.output.count < source.count)
        #expect(run.output.last == UInt8(ascii: "\n"))
        #expect(source.starts(with: run.output))
    }

    /// Cut in the middle of a line beyond the reader: every whole line before the cut, and the torn last one
    /// reported as a bad line (`FILE:LINE: …`), never glued to anything.
    @Test func aFileCutMidLineAheadOfTheReaderReportsTheTornLine() throws {
        let folder = try TemporaryDirectory()
        let path = try copyOfTheSample(folder)
        let lines = try FaultSample.bigLines
        let keep = lines.count * 3 / 4
        let cut = lines.prefix(keep).reduce(0) { $0 + $1.utf8.count + 1 } + 40
        let run = try filter(path) { #expect(truncate(path, off_t(cut)) == 0) }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("\(path):\(keep + 1): "), "\(run.stderr)")
        let source = try #require(FileManager.default.contents(atPath: FaultSample.big))
        #expect(run.output == source.prefix(cut - 40))
    }
}
