import Foundation
public import RunraEvents

/// Appends `{"exporter","reason","status","line"}` records to the dead-letter file, one per line.
///
/// `line` is the event's original line as raw JSON (it is a JSON object), so it stays byte for byte what was read.
/// The file is opened for appending: a resumed replay keeps the records of the first run.
public final class DeadLetterWriter: @unchecked Sendable {
    private let lock = NSLock()
    private let fd: Int32
    /// The file's path.
    public let path: String

    /// What to do when the file cannot be written.
    static let advice = "make its folder exist and writable with space left, or pass another --dead-letter"

    /// Opens (creating) `path` for appending.
    public init(path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RunraError(.io, "cannot open dead-letter file \(path): \(OutputPath.errorText()) (\(Self.advice))")
        }
        self.fd = descriptor
        self.path = path
    }

    deinit { close(fd) }

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

    /// Writes records (already encoded) in one `write`.
    public func write(_ records: [UInt8]) throws {
        guard !records.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        var offset = 0
        while offset < records.count {
            let written = records.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, records.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw RunraError(.io, "cannot write dead-letter file \(path): \(String(cString: strerror(errno)))")
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
        do { value = try JSONValue(parsing: line) } catch let error as RunraError { throw RunraError(.badLine, error.message) }
        guard case .object(let members) = value else { throw RunraError(.badLine, "not a dead-letter record (not an object)") }
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
