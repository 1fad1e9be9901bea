public import Foundation
import Testing

/// `data` compressed by the system gzip (`-n`: no name or time in the header).
public func gzipped(_ data: Data) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-n", "-c"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(data)
    try input.fileHandleForWriting.close()
    let result = output.fileHandleForReading.readDataToEndOfFile()
    try process.waitForExit()
    return result
}

/// `data` decompressed by the system gzip (`gzip -dc`).
public func gunzip(_ data: Data) throws -> Data {
    let directory = try TemporaryDirectory()
    let path = directory.path("input.gz")
    try data.write(to: URL(fileURLWithPath: path))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-dc", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    try process.waitForExit()
    #expect(process.terminationStatus == 0)
    return output
}
