import Foundation
import Testing

@testable import RunraEvents

/// Runs an ``EventFilter`` over files and returns what it wrote and reported.
struct FilterRun {
    var output: String
    var badLines: [BadLine]
    var summary: EventFilter.Summary

    var lines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }

    static func run(
        _ filter: EventFilter,
        paths: [String],
        options: ReadOptions = ReadOptions()
    ) throws -> FilterRun {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("runra-out-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        let writer = ByteWriter(fileDescriptor: handle.fileDescriptor)
        var bad: [BadLine] = []
        let summary = try filter.run(paths: paths, options: options, output: writer, onBadLine: { bad.append($0) })
        try writer.flush()
        try handle.close()
        let data = try Data(contentsOf: url)
        return FilterRun(output: String(decoding: data, as: UTF8.self), badLines: bad, summary: summary)
    }
}

/// The package's `Fixtures/` folder.
enum Fixtures {
    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }
}

/// A temporary file removed when the value goes away.
final class TemporaryFile {
    let path: String
    init(_ contents: Data, suffix: String = ".jsonl") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("runra-\(UUID().uuidString)\(suffix)").path
        try contents.write(to: URL(fileURLWithPath: path))
    }
    convenience init(_ text: String) throws { try self.init(Data(text.utf8)) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
