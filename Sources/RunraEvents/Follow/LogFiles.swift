#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of one followed log wherever rotation put them: the rotated files in the log's directory and in
/// any `olddir`, under any of logrotate's names (``RotatedName``), oldest first, then the live file.
struct LogFiles {
    /// One regular file of the log.
    struct Entry {
        var path: String
        var info: stat
        /// `nil` for the live file.
        var rotatedName: RotatedName?

        var isLive: Bool { rotatedName == nil }
        /// A rotated file whose compression runra-events cannot read (`.xz`, `.bz2` …).
        var isUnreadable: Bool {
            if case .unreadable = rotatedName?.compression { true } else { false }
        }
    }

    /// The live file's path.
    let basePath: String
    /// Where rotation moves the log's files besides its own directory (logrotate's `olddir`): absolute, or
    /// relative to the log's directory, as logrotate resolves them.
    let olddirs: [String]

    init(basePath: String, olddirs: [String] = []) {
        self.basePath = basePath
        self.olddirs = olddirs
    }

    /// The directories that hold rotated files, spelled as paths are built from them.
    var directories: [String] {
        let (directory, _) = POSIX.split(basePath)
        let spelled = basePath.contains("/") ? directory : ""
        var result = [spelled]
        for olddir in olddirs {
            let path = olddir.hasPrefix("/") || spelled.isEmpty ? olddir : POSIX.join(spelled, olddir)
            if !result.contains(path) { result.append(path) }
        }
        return result
    }

    /// The regular files of the log now: rotated ones oldest first (by modification time; for equal times the
    /// higher number, then the name), the live file last.
    func entries() -> [Entry] {
        let (_, logName) = POSIX.split(basePath)
        var rotated: [Entry] = []
        for directory in directories {
            for name in (try? POSIX.listDirectory(directory.isEmpty ? "." : directory)) ?? [] {
                guard let rotatedName = RotatedName(name, of: logName) else { continue }
                let path = directory.isEmpty ? name : POSIX.join(directory, name)
                var info = stat()
                guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                rotated.append(Entry(path: path, info: info, rotatedName: rotatedName))
            }
        }
        rotated.sort(by: Self.isOlder)
        var info = stat()
        if stat(basePath, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
            rotated.append(Entry(path: basePath, info: info, rotatedName: nil))
        }
        return rotated
    }

    private static func isOlder(_ a: Entry, _ b: Entry) -> Bool {
        let (ta, tb) = (a.info.st_mtim, b.info.st_mtim)
        if ta.tv_sec != tb.tv_sec { return ta.tv_sec < tb.tv_sec }
        if ta.tv_nsec != tb.tv_nsec { return ta.tv_nsec < tb.tv_nsec }
        let (na, nb) = (a.rotatedName?.number ?? -1, b.rotatedName?.number ?? -1)
        if na != nb { return na > nb }
        return a.path < b.path
    }
}
