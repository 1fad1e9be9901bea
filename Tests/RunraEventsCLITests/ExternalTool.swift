import Foundation
import RunraTestSupport
import Testing

/// A program from the system (lnav, chromium, python3) that a test runs as the user would.
///
/// `make test` installs each one (`test-deps`); a test that cannot find its tool fails with the package to
/// install, rather than passing without having looked.
struct ExternalTool {
    var name: String
    var path: String

    /// The tool `name` on `PATH`, or `nil` with a recorded issue naming the Debian package that has it.
    static func find(
        _ name: String,
        package: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> ExternalTool? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for directory in directories {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return ExternalTool(name: name, path: path) }
        }
        Issue.record(
            "\(name) is not installed: `make test-deps` installs it (apt-get install \(package))",
            sourceLocation: sourceLocation
        )
        return nil
    }

    /// Runs the tool with `arguments` and `environment` added to this process's, standard input empty;
    /// kills it after `timeout`.
    func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        timeout: Duration = .seconds(120)
    ) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("runra-tool-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        FileManager.default.createFile(atPath: output.path + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(atPath: output.path + ".err")
        }
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: output.path + ".err"))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try process.waitForExit(timeout: timeout)
        return CLIResult(
            status: process.terminationStatus,
            stdout: try Data(contentsOf: output),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: output.path + ".err")), as: UTF8.self)
        )
    }
}
