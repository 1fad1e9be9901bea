import Foundation
import RunraEvents
import RunraTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `replay --follow` running in the background, its standard error in a file (never a pipe that could fill).
final class Shipper {
    let process = Process()
    let stderrPath: String

    init(_ arguments: [String], stderrPath: String) throws {
        self.stderrPath = stderrPath
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = CLI.executable
        process.arguments = ["replay", "--follow"] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits for the exit; returns the exit status.
    func stop(_ signal: Int32 = SIGTERM, timeout: Duration = .seconds(60)) throws -> Int32 {
        kill(process.processIdentifier, signal)
        try process.waitForExit(timeout: timeout)
        return process.terminationStatus
    }
}

/// `Tests/Servers/ingest_server.py` as an Axiom-compatible sink that appends every accepted line to a file.
final class AxiomSink {
    let port: Int
    let linesPath: String
    private let server: IngestServerProcess
    private var process: Process { server.process }

    /// Starts the sink on `port` (0: any free port).
    init(port: Int = 0, linesPath: String) throws {
        self.linesPath = linesPath
        do {
            server = try IngestServerProcess(arguments: ["--port", "\(port)", "--lines-file", linesPath])
        } catch let error as IngestServerProcess.DidNotStart {
            throw SinkDidNotStart(output: error.output)
        }
        self.port = server.port
    }

    deinit { stop() }

    struct SinkDidNotStart: Error { var output: String }

    /// Stops the sink: it exits when its standard input closes, unless another test's child process inherited the
    /// pipe's write end (the suites run in parallel), so SIGTERM follows after a moment.
    func stop() {
        guard process.isRunning else { return }
        server.closeInput()
        for _ in 0..<20 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        try? process.waitForExit(timeout: .seconds(10))
    }

    /// The ids of the accepted lines, each as often as it arrived.
    var ids: [String] { FollowTest.ids(inFile: linesPath) }

    /// A port nothing listens on now (bound, then released), for a sink started later.
    static func freePort() throws -> Int {
        let (descriptor, port) = try loopbackSocket(listening: false)
        close(descriptor)
        return port
    }

    /// A TCP socket bound to a free port on 127.0.0.1, listening when asked.
    static func loopbackSocket(listening: Bool) throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && (!listening || listen(descriptor, 64) == 0)
                    && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw SinkDidNotStart(output: "cannot bind a loopback socket")
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// A loopback port that accepts connections (the kernel completes them) but never answers: a sink that hangs.
final class SilentListener {
    let port: Int
    private let descriptor: Int32

    init() throws {
        (descriptor, port) = try AxiomSink.loopbackSocket(listening: true)
    }

    deinit { close(descriptor) }
}

enum FollowTest {
    static func event(_ n: Int) -> String {
        #"{"id":"evt_\#(n)","timestamp":"2026-06-15T10:30:00.000Z","type":"exec.completed","data":{"n":\#(n)}}"#
    }

    /// Appends events `range` to `path` (a plain write, as a logging library does).
    static func append(_ range: Range<Int>, to path: String) throws {
        let text = range.map { event($0) + "\n" }.joined()
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// The `"id"` values of the JSON lines in `path`, in order.
    static func ids(inFile path: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let start = line.range(of: #""id":""#) else { return nil }
            let rest = line[start.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
    }

    /// Waits until `condition` holds (polling), up to `timeout`; returns whether it did.
    static func wait(_ timeout: Duration, until condition: () throws -> Bool) rethrows -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return try condition()
    }

    /// `GET path` on 127.0.0.1:`port` over a plain socket: the whole response (head and body), or "" when refused.
    static func httpGet(port: Int, path: String) -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { return "" }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += buffer[..<count]
        }
        return String(decoding: response, as: UTF8.self)
    }

    /// Ids `evt_0` … `evt_{count-1}`.
    static func expected(_ count: Int) -> Set<String> { Set((0..<count).map { "evt_\($0)" }) }
}
