import Foundation
import RunraEvents
import RunraTestSupport
import Testing

/// SPEC §4 rotate: rotating while a runra-events writer appends loses no line and duplicates none.
@Suite(.timeLimit(.minutes(10))) struct RotateWhileWritingTests {
    static func event(_ n: Int) -> String {
        #"{"id":"evt_\#(n)","timestamp":"2026-06-15T10:30:00.000Z","type":"exec.completed","data":{"n":\#(n),"#
            + #""pad":"\#(String(repeating: "p", count: 150))"}}"#
    }

    @Test(arguments: [false, true])
    func writerAndRotateLoopLoseAndDuplicateNothing(copytruncate: Bool) throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("runra-events.jsonl")
        let total = 100_000
        let state = SharedState()
        let writerThread = Thread {
            do {
                let writer = try JSONLWriter(path: log, options: .init(bufferSize: 8 * 1024))
                var n = 0
                // At least `total` events, and keep going until rotations really interleaved.
                while n < total || state.rotations < 8 {
                    try writer.append(line: Self.event(n))
                    n += 1
                    if n % 200 == 0 {
                        try writer.flush()
                        usleep(100)
                    }
                    // Keep the writer within reach of the rotations: it writes during them, but never more than
                    // 12,000 events (2.6 MB) between two, so that a rotation (which validates each line for the
                    // block-gzip index, slow in a debug build) never faces an ever larger file.
                    if n % 12_000 == 0 {
                        let mark = state.rotations
                        let deadline = Date().addingTimeInterval(60)
                        while state.rotations == mark && Date() < deadline { usleep(1000) }
                    }
                }
                try writer.close()
                state.finish(written: n, error: nil)
            } catch {
                state.finish(written: 0, error: error)
            }
        }
        writerThread.start()
        var arguments = ["rotate", "--force", "--keep", "1000", "-q"]
        if copytruncate { arguments.append("--copytruncate") }
        while !state.isDone {
            let result = try CLI.run(arguments + [log])
            #expect(result.status == 0, "\(result.stderr)")
            state.addRotation()
        }
        #expect(state.error == nil)
        let written = state.written
        #expect(written >= total)

        var text = ""
        let members = try RotatedSet(basePath: log).members()
        #expect(members.count >= 9)
        for member in members {
            if member.hasSuffix(".gz") {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["gzip", "-dc", member]
                let pipe = Pipe()
                process.standardOutput = pipe
                try process.run()
                text += String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                try process.waitForExit()
                #expect(process.terminationStatus == 0)
            } else {
                text += try String(contentsOfFile: member, encoding: .utf8)
            }
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "")
        let read = lines.dropLast()
        #expect(read.count == written)
        // Exactly the written sequence: in order, nothing lost, nothing twice.
        var mismatches = 0
        for (n, line) in read.enumerated() where line != Self.event(n) { mismatches += 1 }
        #expect(mismatches == 0)
    }
}

/// What the writer thread and the rotate loop share.
final class SharedState: @unchecked Sendable {
    private let lock = NSLock()
    private var _rotations = 0
    private var _done = false
    private var _written = 0
    private var _error: (any Error)?

    var rotations: Int { lock.withLock { _rotations } }
    var isDone: Bool { lock.withLock { _done } }
    var written: Int { lock.withLock { _written } }
    var error: (any Error)? { lock.withLock { _error } }
    func addRotation() { lock.withLock { _rotations += 1 } }
    func finish(written: Int, error: (any Error)?) {
        lock.withLock {
            _written = written
            _error = error
            _done = true
        }
    }
}
