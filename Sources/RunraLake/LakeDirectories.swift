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
                "cannot create \(path): \(POSIX.errorText())",
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
            throw RunraError(.configuration, "\(key): \(error.message)")
        }
        let probe = "\(path)/.runra-events-probe-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RunraError(
                .configuration,
                "\(key): cannot write in \(path): \(POSIX.errorText()) "
                    + "(choose a directory you can write)"
            )
        }
        close(descriptor)
        unlink(probe)
    }

    /// The paths (relative to `root`) of the files under it: read once when a writer starts, for what an earlier,
    /// killed writer left.
    static func files(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            if walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular { files.append(relative) }
        }
        return files
    }

    /// Whether `relative` is a temporary file a writer killed before its flush left (`.part-….tmp`,
    /// `_delta_log/.….tmp`): no reader sees it, and the events it held are written again from the checkpoint.
    static func isTemporary(_ relative: String) -> Bool {
        let name = (relative as NSString).lastPathComponent
        return name.hasSuffix(".tmp") && (name.hasPrefix(".part-") || (relative.hasPrefix("_delta_log/.")))
    }

    /// Whether `relative` names a data file this writer makes (`part-….parquet`, outside `_`-prefixed folders).
    static func isDataFile(_ relative: String) -> Bool {
        let name = (relative as NSString).lastPathComponent
        return !relative.hasPrefix("_") && name.hasPrefix("part-") && name.hasSuffix(".parquet")
    }

    /// `fsync`s the directory at `path`, so the names just made or renamed in it are on disk.
    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw failure(
                "cannot open \(path) to sync it: \(POSIX.errorText())",
                advice: "check its permissions"
            )
        }
        defer { close(descriptor) }
        if fsync(descriptor) != 0 {
            throw failure("cannot sync \(path): \(POSIX.errorText())", advice: "check the disk")
        }
    }

    /// Renames `from` to `to` (replacing it) and syncs the directory.
    static func publish(_ from: String, as to: String) throws {
        if rename(from, to) != 0 {
            throw failure(
                "cannot rename \(from) to \(to): \(POSIX.errorText())",
                advice: "check the disk and permissions"
            )
        }
        try sync((to as NSString).deletingLastPathComponent)
    }

    static func failure(_ message: String, advice: String) -> RunraError {
        RunraError(.exporter, "\(message) (\(advice))")
    }
}
