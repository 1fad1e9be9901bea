import Foundation
import RunraEvents

/// A checkpoint file: read whole, replaced by rename so that a reader sees the old or the new one, never a mix.
enum CheckpointFile {
    /// The file's bytes, or `nil` when there is none.
    static func contents(_ path: String) throws -> Data? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunraError(.io, "cannot read checkpoint \(path)")
        }
        return data
    }

    /// Writes `value` as one line of JSON with sorted keys.
    static func write(_ value: some Encodable, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(value)
        data.append(0x0A)
        try replace(path, with: data)
    }

    static func replace(_ path: String, with data: Data) throws {
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw RunraError(.io, "cannot write checkpoint \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw RunraError(.io, "cannot write checkpoint \(path): \(reason)")
        }
    }
}
