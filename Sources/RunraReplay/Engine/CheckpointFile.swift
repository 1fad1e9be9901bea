import Foundation
import RunraEvents

/// A checkpoint file: read whole, replaced by rename so that a reader sees the old or the new one, never a mix.
enum CheckpointFile {
    /// What to do when the checkpoint cannot be written.
    static let advice = "make its folder exist and writable with space left, or pass another --checkpoint"

    /// The file's bytes, or `nil` when there is none.
    static func contents(_ path: String) throws -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 && errno == ENOENT { return nil }
        guard fd >= 0 else {
            throw RunraError(.io, "cannot read checkpoint \(path): \(OutputPath.errorText()) (\(advice))")
        }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw RunraError(.io, "cannot read checkpoint \(path): \(OutputPath.errorText()) (\(advice))")
            }
            if count == 0 { return data }
            data.append(contentsOf: buffer[0..<count])
        }
    }

    /// Writes `value` as one line of JSON with sorted keys.
    static func write(_ value: some Encodable, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(value)
        data.append(0x0A)
        try replace(path, with: data)
    }

    /// Tries, before anything is sent, what each checkpoint write does (a temporary file beside `path`, written and
    /// removed), so that a missing folder, a read-only or full disk is exit 2 at the start, not a surprise at the end.
    static func probe(_ path: String) throws {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw RunraError(.io, "cannot write checkpoint \(path): \(OutputPath.errorText(EISDIR)) (\(advice))")
        }
        do {
            unlink(try writeTemporary(for: path, Data("{}\n".utf8)))
        } catch let error as RunraError {
            throw RunraError(.io, "\(error.message) (\(advice))")
        }
    }

    static func replace(_ path: String, with data: Data) throws {
        let temporary = try writeTemporary(for: path, data)
        guard rename(temporary, path) == 0 else {
            let reason = OutputPath.errorText()
            unlink(temporary)
            throw RunraError(.io, "cannot write checkpoint \(path): \(reason)")
        }
    }

    /// Writes `data` to a new temporary file beside `path`; returns its path. Throws the `errno` text.
    private static func writeTemporary(for path: String, _ data: Data) throws -> String {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunraError(.io, "cannot write checkpoint \(path): \(OutputPath.errorText())") }
        var failure: Int32 = 0
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written < 0 {
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if close(fd) != 0 && failure == 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporary)
            throw RunraError(.io, "cannot write checkpoint \(path): \(OutputPath.errorText(failure))")
        }
        return temporary
    }
}
