#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin POSIX helpers for rotation and writing: errors become ``RunraError`` naming the path.
package enum POSIX {
    /// The `strerror` text of `errno`.
    package static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    package static func ioError(_ what: String, _ path: String, _ code: Int32 = errno) -> RunraError {
        RunraError(.io, "cannot \(what) \(path): \(errorText(code))")
    }

    /// `open(2)`, retried on EINTR; the descriptor is close-on-exec.
    package static func open(_ path: String, _ flags: Int32, mode: UInt32 = 0o644) throws -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode_t(mode))
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw ioError("open", path)
        }
    }

    /// `lstat`/`stat`, or nil when the path does not exist.
    static func fileInfo(_ path: String) throws -> stat? {
        var info = stat()
        if stat(path, &info) == 0 { return info }
        if errno == ENOENT { return nil }
        throw ioError("inspect", path)
    }

    static func fileInfo(fd: Int32, _ path: String) throws -> stat {
        var info = stat()
        guard Glibc.fstat(fd, &info) == 0 else { throw ioError("inspect", path) }
        return info
    }

    /// Whether two `stat` results name the same file.
    static func sameFile(_ a: stat, _ b: stat) -> Bool {
        a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }

    /// `flock(2)`, retried on EINTR. With `wait: false`, returns false when another holder has it.
    @discardableResult
    static func lock(_ fd: Int32, _ operation: Int32, path: String, wait: Bool = true) throws -> Bool {
        let op = wait ? operation : operation | LOCK_NB
        while true {
            if flock(fd, op) == 0 { return true }
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK && !wait { return false }
            throw ioError("lock", path)
        }
    }

    package static func rename(_ from: String, _ to: String) throws {
        guard Glibc.rename(from, to) == 0 else {
            throw RunraError(.io, "cannot rename \(from) to \(to): \(errorText())")
        }
    }

    /// Removes `path`; a path that is already gone is fine.
    package static func unlink(_ path: String) throws {
        guard Glibc.unlink(path) == 0 || errno == ENOENT else { throw ioError("remove", path) }
    }

    /// Writes all of `bytes`, retrying short writes and EINTR.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = Glibc.write(fd, base, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw ioError("write to", path)
            }
            base += written
            remaining -= written
        }
    }

    /// Reads up to `buffer.count` bytes; 0 at end of file.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw ioError("read", path)
        }
    }

    package static func fsync(_ fd: Int32, path: String) throws {
        while Glibc.fsync(fd) != 0 {
            if errno == EINTR { continue }
            // Some file systems (and /dev/null-like targets) cannot sync; that is not data loss.
            if errno == EINVAL || errno == EROFS { return }
            throw ioError("sync", path)
        }
    }

    /// Makes renames in `directory` durable. Best effort: not every file system allows it.
    static func fsyncDirectory(_ directory: String) {
        let fd = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = Glibc.fsync(fd)
        Glibc.close(fd)
    }

    /// The folder part of `path` (`.` when there is none) and the file name.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// `directory/name`, without doubling a slash.
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The names in `directory` (without `.` and `..`).
    static func listDirectory(_ directory: String) throws -> [String] {
        guard let dir = opendir(directory) else { throw ioError("list the folder", directory) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
