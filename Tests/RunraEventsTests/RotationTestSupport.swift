import Foundation
import RunraEvents
import RunraTestSupport
import Testing

/// File helpers for the rotation tests: temporary folders, gunzip through /usr/bin/gzip, and
/// reading a rotated set back in order.
enum RotationTestIO {
    /// A fresh temporary folder; remove it with `cleanup`.
    static func makeDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("runra-rot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static func cleanup(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    /// Runs a program and returns its status and standard output.
    @discardableResult
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        try process.waitForExit()
        return (process.terminationStatus, output)
    }

    /// The decompressed contents of a `.gz` (by `gzip -dc`), or the file as it is.
    static func contents(_ path: String) throws -> String {
        guard path.hasSuffix(".gz") else { return try read(path) }
        let (status, output) = try run("/usr/bin/env", ["gzip", "-dc", path])
        guard status == 0 else { throw RunraError(.io, "gzip -dc \(path) failed with \(status)") }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `gzip -t` accepts the file.
    static func gzipValid(_ path: String) throws -> Bool {
        try run("/usr/bin/env", ["gzip", "-t", path]).status == 0
    }

    /// Every file of the rotated set of `base`, oldest first, concatenated.
    static func setContents(_ base: String) throws -> String {
        try RotatedSet(basePath: base).members().map(contents).joined()
    }

    /// The set's contents as runra-events reads them: file by file, each file's last line ending where the file
    /// does (so a torn line at the end of a rotated file never joins the next file's first line).
    static func setContentsFileByFile(_ base: String) throws -> String {
        try RotatedSet(basePath: base).members().map(contents).map { $0.isEmpty || $0.hasSuffix("\n") ? $0 : $0 + "\n" }
            .joined()
    }

    /// The names (not paths) in `directory`, sorted.
    static func names(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    /// The `stat` of `path`.
    static func info(_ path: String) -> stat {
        var info = stat()
        _ = stat(path, &info)
        return info
    }

    /// Test line number `n`, about 250 bytes.
    static func event(_ n: Int, tag: String = "w") -> String {
        let padding = String(repeating: "x", count: 170)
        return #"{"id":"evt_\#(tag)_\#(n)","timestamp":"2026-06-15T10:30:00.000Z","type":"exec.completed","#
            + #""n":\#(n),"data":{"pad":"\#(padding)"}}"#
    }
}
