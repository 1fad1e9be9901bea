import Foundation
import RunraEvents

/// Reads a replay's input (what its ``ReplayCursor`` reads) on its own thread into an ``InputChannel``.
final class InputReader: @unchecked Sendable {
    private let lock = NSLock()
    private var summary = ReadSummary()
    private var error: (any Error)?
    private var finished = false
    private var waiter: CheckedContinuation<Void, Never>?

    static let chunkEvents = 4096

    /// Starts reading what `cursor` reads, after its resume point, on a new thread.
    func start(
        _ cursor: any ReplayCursor,
        channel: InputChannel,
        onBadLine: @escaping @Sendable (BadLine) throws -> Void
    ) {
        let thread = Thread { [self] in
            var summary = ReadSummary()
            var failure: (any Error)?
            do {
                summary = try cursor.read(into: channel, onBadLine: onBadLine)
            } catch {
                failure = error
            }
            channel.finish()
            lock.lock()
            self.summary = summary
            self.error = failure
            finished = true
            let waiter = self.waiter
            self.waiter = nil
            lock.unlock()
            waiter?.resume()
        }
        thread.stackSize = 1 << 22
        thread.start()
    }

    /// Waits for the thread to end; returns what it read and the error that stopped it.
    func result() async -> (ReadSummary, (any Error)?) {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if finished {
                lock.unlock()
                continuation.resume()
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
        return lock.withLock { (summary, error) }
    }

    /// Reads `input` after `resume` into `channel` (on the calling thread) until it ends or the channel is closed.
    static func read(
        _ input: FileCursor.Input,
        after resume: EventPosition?,
        channel: InputChannel,
        onBadLine: @escaping @Sendable (BadLine) throws -> Void
    ) throws -> ReadSummary {
        switch input {
        case .events(let reader):
            return try reader.forEachChunk(after: resume, onBadLine: onBadLine) { events, positions in
                channel.put(InputChunk(events: events, positions: positions, targets: nil))
            }
        case .memory(let events):
            var summary = ReadSummary()
            summary.lines = events.count
            summary.events = events.count
            let first = resume.map { $0.input > 0 ? events.count : min(events.count, max(0, $0.line)) } ?? 0
            var index = first
            while index < events.count {
                let end = min(events.count, index + chunkEvents)
                let chunk = InputChunk(
                    events: Array(events[index..<end]),
                    positions: (index..<end).map { EventPosition(input: 0, line: $0 + 1) },
                    targets: nil
                )
                if !channel.put(chunk) { break }
                index = end
            }
            return summary
        case .deadLetters(let path):
            return try readDeadLetters(path: path, after: resume, channel: channel, onBadLine: onBadLine)
        }
    }

    private static func readDeadLetters(
        path: String,
        after resume: EventPosition?,
        channel: InputChannel,
        onBadLine: (BadLine) throws -> Void
    ) throws -> ReadSummary {
        guard let file = fopen(path, "r") else {
            throw RunraError(.io, "cannot open dead-letter file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var summary = ReadSummary()
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        var lineNumber = 0
        var chunk = InputChunk(events: [], positions: [], targets: [])
        let skipThrough = resume.map { $0.input > 0 ? Int.max : $0.line } ?? 0
        while true {
            let length = getline(&buffer, &capacity, file)
            if length < 0 {
                // A directory opens, and then fails to read (EISDIR): say so rather than read nothing.
                if ferror(file) != 0 {
                    throw RunraError(.io, "cannot read dead-letter file \(path): \(String(cString: strerror(errno)))")
                }
                break
            }
            lineNumber += 1
            guard lineNumber > skipThrough, let buffer else { continue }
            var bytes = Array(UnsafeRawBufferPointer(start: buffer, count: length).bindMemory(to: UInt8.self))
            while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            summary.lines += 1
            do {
                let record = try DeadLetterRecord(line: bytes)
                summary.events += 1
                chunk.events.append(record.event)
                chunk.positions.append(EventPosition(input: 0, line: lineNumber))
                chunk.targets!.append(record.exporter)
            } catch let error as RunraError {
                summary.badLines += 1
                try onBadLine(BadLine(source: path, lineNumber: lineNumber, reason: error.message))
            }
            if chunk.events.count >= 1024 {
                if !channel.put(chunk) { return summary }
                chunk = InputChunk(events: [], positions: [], targets: [])
            }
        }
        if !chunk.events.isEmpty { _ = channel.put(chunk) }
        return summary
    }
}
