public import Foundation

/// `Tests/Servers/ingest_server.py` started on 127.0.0.1: the loopback sink the exporter and CLI tests send to.
/// It prints `PORT <port> [GRPC <port> [TLS <certificate>]]` once listening and exits when its standard input
/// closes.
public final class IngestServerProcess: @unchecked Sendable {
    public let process = Process()
    /// The words of the line the server printed once listening.
    public let startLine: [Substring]
    private let input = Pipe()

    /// The script's path.
    public static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Servers/ingest_server.py").path
    }

    /// Thrown when the server did not say its port; `output` is what it printed instead.
    public struct DidNotStart: Error, CustomStringConvertible {
        public var output: String
        public var description: String {
            output.isEmpty
                ? "ingest_server.py exited before printing its port (is opentelemetry-proto installed? run "
                    + "`make test-deps`)"
                : "ingest_server.py printed \(output)"
        }
    }

    /// Starts the server with `arguments` and waits for its start line.
    public init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.scriptPath] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var line: [UInt8] = []
        while let byte = try output.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") {
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        let words = text.split(separator: " ")
        guard words.count >= 2, words[0] == "PORT", Int(words[1]) != nil else { throw DidNotStart(output: text) }
        startLine = words
    }

    /// The HTTP port.
    public var port: Int { Int(startLine[1])! }

    /// Closes the server's standard input, which ends it.
    public func closeInput() {
        try? input.fileHandleForWriting.close()
    }
}
