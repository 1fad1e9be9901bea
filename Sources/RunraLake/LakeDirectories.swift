import Foundation
import RunraEvents

/// Durable directory operations: making a directory so that its entry survives a crash, and syncing a directory
/// after a rename into it.
enum LakeDirectories {
    /// Makes `path` and its missing parents, syncing each parent that got a new entry.
    static func make(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw failure("\(path) is a file, not a directory", advice: "give the lake a directory path")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try make(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw failure(
                "cannot create \(path): \(String(cString: strerror(errno)))",
                advice: "check the path and its permissions"
            )
        }
        try sync(parent.isEmpty ? "." : parent)
    }

    /// Makes the lake's directory and writes a file in it, before any event is read: a path that cannot hold the
    /// lake is a configuration error (exit 2), never retried.
    static func probe(_ path: String, key: String) throws {
        do {
            try make(path)
        } catch let error as RunraError {
            let message = error.message.hasPrefix("parquet: ") ? String(error.message.dropFirst(9)) : error.message
            throw RunraError(.configuration, "\(key): \(message)")
        }
        let probe = "\(path)/.runra-events-probe-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RunraError(
                .configuration,
                "\(key): cannot write in \(path): \(String(cString: strerror(errno))) "
                    + "(choose a directory you can write)"
            )
        }
        close(descriptor)
        unlink(probe)
    }

    /// Removes the temporary files a writer killed before its flush left (`.part-….tmp`, `_delta_log/.….tmp`): no
    /// reader sees them, and the events they held are written again from the checkpoint. One writer per lake.
    static func removeTemporaryFiles(under root: String) {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let inLog = relative.hasPrefix("_delta_log/") && name.hasPrefix(".") && name.hasSuffix(".json.tmp") == false
            if name.hasSuffix(".tmp") && (name.hasPrefix(".part-") || (inLog && name.contains(".json."))) {
                unlink("\(root)/\(relative)")
            }
        }
    }

    /// `fsync`s the directory at `path`, so the names just made or renamed in it are on disk.
    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw failure(
                "cannot open \(path) to sync it: \(String(cString: strerror(errno)))",
                advice: "check its permissions"
            )
        }
        defer { close(descriptor) }
        if fsync(descriptor) != 0 {
            throw failure("cannot sync \(path): \(String(cString: strerror(errno)))", advice: "check the disk")
        }
    }

    /// Renames `from` to `to` (replacing it) and syncs the directory.
    static func publish(_ from: String, as to: String) throws {
        if rename(from, to) != 0 {
            throw failure(
                "cannot rename \(from) to \(to): \(String(cString: strerror(errno)))",
                advice: "check the disk and permissions"
            )
        }
        try sync((to as NSString).deletingLastPathComponent)
    }

    static func failure(_ message: String, advice: String) -> RunraError {
        RunraError(.exporter, "parquet: \(message) (\(advice))")
    }
}
