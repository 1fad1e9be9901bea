#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rotates a log file the logrotate way, safely while `runra-events` writers append to it.
///
/// `.N` becomes `.N+1` from the oldest down, files past ``Options/keep`` are removed, the
/// live file becomes `.1` and an empty file with the old mode takes its place; `.1` is then
/// gzipped to `.1.gz`. Two advisory locks (`flock(2)`) coordinate with ``JSONLWriter``:
/// - the *append lock* is on the live file itself; writers hold it around every write and
///   reopen their path when its inode changed. The rotator holds it only around the
///   rename (or the copy and truncate), so no line lands in the old file after it moved.
/// - the *rotation lock* is on a hidden sidecar, `.NAME.rotate-lock`, held by one rotator
///   from the shift to the end of the gzip, so two rotations never interleave.
///
/// See docs/rotation.md for the protocol, copytruncate's caveats and crash safety.
public struct Rotator: Sendable {
    /// How to rotate.
    public struct Options: Sendable, Equatable {
        /// Rotate only when the live file is larger than this many bytes (nil: always).
        public var maxSize: Int64?
        /// Rotate even when the live file is not larger than ``maxSize``.
        public var force: Bool
        /// How many rotated files to keep (`.1` … `.keep`); older ones are removed.
        public var keep: Int
        /// Gzip the rotated file to `.1.gz`.
        public var gzip: Bool
        /// zlib level for ``gzip`` (1 fastest … 9 smallest).
        public var gzipLevel: Int
        /// Copy the live file to `.1` and truncate it, instead of renaming it (keeps its inode).
        public var copyTruncate: Bool

        /// Options with logrotate's defaults: keep 10, gzip on, rename (not copy) the live file.
        public init(
            maxSize: Int64? = nil,
            force: Bool = false,
            keep: Int = 10,
            gzip: Bool = true,
            gzipLevel: Int = 6,
            copyTruncate: Bool = false
        ) {
            self.maxSize = maxSize
            self.force = force
            self.keep = keep
            self.gzip = gzip
            self.gzipLevel = gzipLevel
            self.copyTruncate = copyTruncate
        }
    }

    /// What ``rotate()`` did.
    public enum Outcome: Sendable, Equatable {
        /// The live file (`size` bytes) is now `rotatedPath` (`.1` or `.1.gz`, or nil with keep 0).
        case rotated(size: Int64, rotatedPath: String?)
        /// The live file is `size` bytes, not larger than the maximum: nothing changed.
        case notNeeded(size: Int64)
    }

    /// The live file's path.
    public let path: String
    /// How to rotate.
    public let options: Options

    /// A rotator for the log at `path`.
    public init(path: String, options: Options = Options()) throws {
        guard options.keep >= 0 else {
            throw RunraError(.usage, "--keep must be 0 or more, got \(options.keep)")
        }
        guard (1...9).contains(options.gzipLevel) else {
            throw RunraError(.usage, "gzip level must be 1 to 9, got \(options.gzipLevel)")
        }
        self.path = path
        self.options = options
    }

    /// Rotates the live file when it is larger than ``Options/maxSize`` (or with ``Options/force``).
    ///
    /// Blocks while another rotation of the same log runs, and briefly while a writer appends.
    public func rotate() throws -> Outcome {
        let rotationLock = try RotationLock(basePath: path, wait: true)!
        defer { rotationLock.release() }
        guard var info = try POSIX.fileInfo(path) else {
            throw RunraError(.io, "cannot rotate \(path): no such file")
        }
        // A directory (or a device, a pipe) would be renamed away and replaced by an empty file.
        guard info.st_mode & S_IFMT == S_IFREG else {
            let kind = info.st_mode & S_IFMT == S_IFDIR ? "a directory" : "not a regular file"
            throw RunraError(.io, "cannot rotate \(path): it is \(kind); name the log file itself")
        }
        guard shouldRotate(size: Int64(info.st_size)) else { return .notNeeded(size: Int64(info.st_size)) }

        let interrupted = try shiftRotatedFiles()
        // Lock the live file; if it was replaced while we waited, lock the new one.
        var fd = try POSIX.open(path, options.copyTruncate ? O_RDWR : O_RDONLY)
        defer { if fd >= 0 { close(fd) } }
        while true {
            try POSIX.lock(fd, LOCK_EX, path: path)
            info = try POSIX.fileInfo(fd: fd, path)
            guard let current = try POSIX.fileInfo(path) else {
                throw RunraError(.io, "cannot rotate \(path): it was removed during the rotation")
            }
            if POSIX.sameFile(info, current) { break }
            _ = flock(fd, LOCK_UN)
            close(fd)
            fd = -1  // a failed reopen must not make the `defer` close a descriptor that is no longer ours
            fd = try POSIX.open(path, options.copyTruncate ? O_RDWR : O_RDONLY)
        }
        let size = Int64(info.st_size)
        let rotated: String
        do {
            rotated = try moveLiveFileLocked(fd: fd, info: info)
        } catch {
            _ = flock(fd, LOCK_UN)
            throw error
        }
        _ = flock(fd, LOCK_UN)
        return .rotated(size: size, rotatedPath: try finishRotation(rotated, alsoCompressing: interrupted))
    }

    /// Whether a live file of `size` bytes is due.
    func shouldRotate(size: Int64) -> Bool {
        if options.force { return true }
        guard let maxSize = options.maxSize else { return true }
        return size > maxSize
    }

    /// Step 1, under the rotation lock: clean stale temporaries, then `.k` → `.k+1` from the
    /// oldest down, removing those that would pass `keep`. Leaves `.1` free.
    ///
    /// Members keep their form: a plain `.k` (rotated with `--no-gzip`) stays plain as `.k+1`. Returns the new paths
    /// of plain members whose gzip a crash interrupted (it left a temporary, or a `.k.gz` beside `.k`), for
    /// ``finishRotation(_:alsoCompressing:)``.
    @discardableResult
    func shiftRotatedFiles() throws -> [String] {
        let set = RotatedSet(basePath: path)
        let (directory, name) = POSIX.split(path)
        // Temporaries are only made under the rotation lock, which we hold: any left are stale.
        var interruptedIndexes: Set<Int> = []
        for candidate in try POSIX.listDirectory(directory) where Self.isTemporary(candidate, of: name) {
            if let index = Self.interruptedGzipIndex(candidate, of: name) { interruptedIndexes.insert(index) }
            try POSIX.unlink(POSIX.join(directory, candidate))
        }
        let (members, shadowed) = try set.scan()
        for copy in shadowed { try POSIX.unlink(copy) }
        // `.k` beside a complete `.k.gz`: a crash came between the gzip's rename and the removal of its source.
        for member in members where !member.isCompressed && shadowed.contains(member.path + ".gz") {
            interruptedIndexes.insert(member.index)
        }
        var interrupted: [String] = []
        for member in members.reversed() {
            if member.index >= options.keep {
                try POSIX.unlink(member.path)
            } else {
                let destination = set.path(index: member.index + 1, compressed: member.isCompressed)
                try POSIX.rename(member.path, destination)
                if !member.isCompressed && interruptedIndexes.contains(member.index) { interrupted.append(destination) }
            }
        }
        return interrupted
    }

    /// The index `k` of a gzip temporary `.NAME.k.gz.tmp-PID`, which a crash mid-gzip of `NAME.k` left.
    static func interruptedGzipIndex(_ candidate: String, of name: String) -> Int? {
        let prefix = "." + name + "."
        guard candidate.hasPrefix(prefix) else { return nil }
        let rest = candidate.dropFirst(prefix.count)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, rest.dropFirst(digits.count).hasPrefix(GzipFileCompressor.temporaryMarker) else {
            return nil
        }
        return Int(digits)
    }

    /// Step 2, holding both locks: the live file (open as `fd`, described by `info`) becomes `.1`
    /// and an empty file with its mode takes its place. Returns the path of `.1`.
    func moveLiveFileLocked(fd: Int32, info: stat) throws -> String {
        let (directory, name) = POSIX.split(path)
        let first = RotatedSet(basePath: path).path(index: 1, compressed: false)
        let mode = info.st_mode & 0o7777
        if options.copyTruncate {
            let temporary = POSIX.join(directory, ".\(name).1.tmp-\(getpid())")
            do {
                try Self.copy(from: fd, to: temporary, mode: mode, sourcePath: path)
                try POSIX.rename(temporary, first)
            } catch {
                try? POSIX.unlink(temporary)
                throw error
            }
            POSIX.fsyncDirectory(directory)
            guard ftruncate(fd, 0) == 0 else { throw POSIX.ioError("truncate", path) }
            return first
        }
        // Make the replacement first, then swap it in atomically: the path never goes missing,
        // so a writer that opens it meanwhile never creates a file with the wrong mode.
        let replacement = POSIX.join(directory, ".\(name).new-\(getpid())")
        let newFD = try POSIX.open(replacement, O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        _ = fchmod(newFD, mode)
        _ = fchown(newFD, info.st_uid, info.st_gid)  // Best effort: only root may give files away.
        close(newFD)
        do {
            if link(path, first) == 0 {
                try POSIX.rename(replacement, path)
            } else {
                // No hard links on this file system: rename, then create (a short window without the file).
                try POSIX.rename(path, first)
                try POSIX.rename(replacement, path)
            }
        } catch {
            try? POSIX.unlink(replacement)
            throw error
        }
        POSIX.fsyncDirectory(directory)
        return first
    }

    /// Step 3, under the rotation lock only: apply `keep` 0 and gzip. Returns the final `.1` path.
    ///
    /// Gzips the file just rotated, and `interrupted` (members whose gzip a crash cut short); other plain members
    /// stay as they are, as logrotate leaves them.
    func finishRotation(_ rotated: String, alsoCompressing interrupted: [String] = []) throws -> String? {
        if options.keep == 0 {
            try POSIX.unlink(rotated)
            return nil
        }
        guard options.gzip else { return rotated }
        do {
            for path in interrupted { _ = try GzipFileCompressor.compressInPlace(path, level: options.gzipLevel) }
            return try GzipFileCompressor.compressInPlace(rotated, level: options.gzipLevel)
        } catch let error as RunraError {
            // The rotation itself happened: say so, and that nothing was lost.
            throw RunraError(
                error.code,
                "rotated \(path) to \(rotated), but compressing it failed: \(error.message); \(rotated) is kept "
                    + "uncompressed and complete (gzip it when there is room: gzip -n \(rotated))"
            )
        }
    }

    /// Whether `candidate` is one of the rotator's temporary files for the log named `name`.
    static func isTemporary(_ candidate: String, of name: String) -> Bool {
        let prefix = "." + name + "."
        guard candidate.hasPrefix(prefix) else { return false }
        let rest = candidate.dropFirst(prefix.count)
        return rest.hasPrefix("new-") || rest.contains(".tmp-")
    }

    /// Copies everything readable from `fd` (from offset 0) into a new synced file at `destination`.
    static func copy(from fd: Int32, to destination: String, mode: mode_t, sourcePath: String) throws {
        let output = try POSIX.open(destination, O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
        defer { close(output) }
        _ = fchmod(output, mode)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var offset: off_t = 0
        while true {
            let count = pread(fd, buffer.baseAddress, buffer.count, offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw POSIX.ioError("read", sourcePath)
            }
            if count == 0 { break }
            try POSIX.writeAll(output, UnsafeRawBufferPointer(rebasing: buffer[0..<count]), path: destination)
            offset += off_t(count)
        }
        try POSIX.fsync(output, path: destination)
    }
}

/// The rotation lock: an exclusive `flock` on the hidden sidecar `.NAME.rotate-lock`.
///
/// It serializes rotations of one log (the shift, the rename and the gzip that follows) and is
/// never needed by plain appends. The sidecar is never removed: removing a lock file races.
final class RotationLock: @unchecked Sendable {
    private var fd: Int32

    /// Takes the lock, waiting for it when `wait`; otherwise returns nil when it is held.
    init?(basePath: String, wait: Bool) throws {
        let (directory, name) = POSIX.split(basePath)
        let lockPath = POSIX.join(directory, ".\(name).rotate-lock")
        let fd: Int32
        do {
            fd = try POSIX.open(lockPath, O_RDWR | O_CREAT, mode: 0o644)
        } catch let creating as RunraError {
            // Another user's lock file we may not write: reading is enough for flock. When it cannot be read
            // either, the reason it could not be created is the one to give (a read-only file system, say),
            // not that it does not exist.
            guard let readOnly = try? POSIX.open(lockPath, O_RDONLY) else {
                throw RunraError(
                    creating.code,
                    "cannot rotate \(basePath): \(creating.message) (rotation writes its lock file and renames files "
                        + "in \(directory))"
                )
            }
            fd = readOnly
        }
        do {
            guard try POSIX.lock(fd, LOCK_EX, path: lockPath, wait: wait) else {
                close(fd)
                return nil
            }
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
    }

    /// Releases the lock. Idempotent.
    ///
    /// Unlocks explicitly before closing: a child forked meanwhile by another thread shares the
    /// open file description until it execs, and a plain `close` would leave the lock held.
    func release() {
        guard fd >= 0 else { return }
        _ = flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
