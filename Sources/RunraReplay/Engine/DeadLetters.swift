import Foundation
public import RunraEvents

/// Appends `{"exporter","reason","status","line"}` records to the dead-letter file, one per line.
///
/// `line` is the event's original line as raw JSON (it is a JSON object), so it stays byte for byte what was read.
/// The file is opened for appending: a resumed replay keeps the records of the first run. Records are written whole
/// or not at all: a write that fails part-way (a full disk, a file-size limit) is cut back to the size before it, and
/// a torn record an earlier run left at the end (it was killed while writing) is cut off when the file is opened.
/// One writer per file: two replays must not share a dead-letter file.
public final class DeadLetterWriter: @unchecked Sendable {
    private let lock = NSLock()
    private let fd: Int32
    /// The file's path.
    public let path: String
    /// The bytes of a torn last record cut off when the file was opened (0 when it ended in a whole record).
    public let repairedBytes: Int

    /// What to do when the file cannot be written.
    static let advice = "make its folder exist and writable with space left, or pass another --dead-letter"

    /// Opens (creating) `path` for appending, cutting off a torn last record.
    public init(path: String) throws {
        var descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        var canRead = true
        if descriptor < 0 && errno == EACCES {
            // A file we may append to but not read: no torn tail can be looked for.
            descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            canRead = false
        }
        guard descriptor >= 0 else {
            throw RunraError(.io, "cannot open dead-letter file \(path): \(OutputPath.errorText()) (\(Self.advice))")
        }
        do {
            repairedBytes = canRead ? try Self.cutTornTail(descriptor, path: path) : 0
        } catch {
            close(descriptor)
            throw error
        }
        self.fd = descriptor
        self.path = path
    }

    deinit { close(fd) }

    /// Cuts the file back to just after its last newline; returns how many bytes were cut.
    private static func cutTornTail(_ fd: Int32, path: String) throws -> Int {
        let size = lseek(fd, 0, SEEK_END)
        var end = size
        var block = [UInt8](repeating: 0, count: 64 * 1024)
        search: while end > 0 {
            let start = max(0, end - off_t(block.count))
            let count = Int(end - start)
            guard pread(fd, &block, count, start) == count else {
                throw RunraError(.io, "cannot read dead-letter file \(path): \(OutputPath.errorText()) (\(advice))")
            }
            if let newline = block[0..<count].lastIndex(of: 0x0A) {
                end = start + off_t(newline) + 1
                break search
            }
            end = start
        }
        guard end < size else { return 0 }
        guard ftruncate(fd, end) == 0 else {
            let reason = OutputPath.errorText()
            throw RunraError(.io, "cannot cut the torn last record of dead-letter file \(path): \(reason) (\(advice))")
        }
        return Int(size - end)
    }

    /// One record's bytes, with its newline.
    public static func record(exporter: String, reason: String, status: String?, line: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(line.count + reason.utf8.count + 64)
        out.append(contentsOf: #"{"exporter":"#.utf8)
        JSONText.appendQuoted(exporter, to: &out)
        out.append(contentsOf: #","reason":"#.utf8)
        JSONText.appendQuoted(reason, to: &out)
        out.append(contentsOf: #","status":"#.utf8)
        if let status { JSONText.appendQuoted(status, to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","line":"#.utf8)
        out.append(contentsOf: line)
        out.append(contentsOf: "}\n".utf8)
        return out
    }

    /// Writes whole records (already encoded), all or none: when writing fails part-way, the file is cut back to
    /// its size before, so it never holds a torn record, and the error is thrown (none of them count as written).
    public func write(_ records: [UInt8]) throws {
        guard !records.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        let before = lseek(fd, 0, SEEK_END)
        var offset = 0
        while offset < records.count {
            let written = records.withUnsafeBytes {
                Foundation.write(fd, $0.baseAddress! + offset, records.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = OutputPath.errorText()
                if before >= 0 { _ = ftruncate(fd, before) }
                throw RunraError(.io, "cannot write dead-letter file \(path): \(reason) (\(Self.advice))")
            }
            offset += written
        }
    }
}

/// A record of a dead-letter file.
public struct DeadLetterRecord: Sendable {
    /// The exporter that refused the event.
    public var exporter: String
    /// Why.
    public var reason: String
    /// The HTTP status or SQLSTATE, when there was one.
    public var status: String?
    /// The event.
    public var event: RuntimeEvent

    /// Parses one record line; throws a message for a bad line.
    public init(line: [UInt8]) throws {
        let value: JSONValue
        do { value = try JSONValue(parsing: line) } catch let error as RunraError {
            throw RunraError(.badLine, error.message)
        }
        guard case .object(let members) = value else {
            throw RunraError(.badLine, "not a dead-letter record (not an object)")
        }
        guard case .string(let exporter)? = members["exporter"] else {
            throw RunraError(.badLine, "not a dead-letter record (no \"exporter\")")
        }
        guard let raw = JSONValue.rawMember("line", of: line) else {
            throw RunraError(.badLine, "not a dead-letter record (no \"line\")")
        }
        var eventLine = raw
        if raw.first == UInt8(ascii: "\""), case .string(let text)? = members["line"] { eventLine = Array(text.utf8) }
        do {
            event = try RuntimeEvent(line: eventLine)
        } catch let error as RunraError {
            throw RunraError(.badLine, "the record's line is not an event: \(error.message)")
        }
        self.exporter = exporter
        self.reason = members["reason"]?.stringValue ?? ""
        switch members["status"] {
        case .string(let text)?: status = text
        case .number(let number)?: status = JSONText.number(number)
        default: status = nil
        }
    }
}
