import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends whole JSONL lines to a file that other processes may rotate, with optional
/// size-based rotation of its own (the jsonl exporter's `rotateSizeBytes`, `rotateFiles`, `gzip`).
///
/// Lines are buffered and written a batch at a time: each batch is one `write(2)` of whole
/// lines to a descriptor opened with `O_APPEND`, made while holding an exclusive `flock` on
/// the file (the append lock ``Rotator`` takes around its rename). Before each batch the
/// writer checks that its path still names the file it has open and reopens it when a
/// rotation replaced it, so rotating while writing loses no line and duplicates none.
/// When a file does not end in a newline (a writer was killed mid-write), the writer adds one
/// before its first line, so the torn fragment never swallows a good line.
///
/// Not thread-safe: one owner calls it. Call ``close()`` to write out the last batch and to
/// wait for a gzip of a rotated file still running in the background.
public final class JSONLWriter {
    /// When to `fsync(2)` the file.
    public enum SyncPolicy: Sendable, Equatable {
        /// Leave it to the operating system (fast; a power loss may lose the last seconds).
        case never
        /// After every batch written.
        case everyBatch
    }

    /// How to write.
    public struct Options: Sendable, Equatable {
        /// Keep what the file holds (true) or empty it when opening (false).
        public var append: Bool
        /// Rotate when a write leaves the file larger than this many bytes (nil: never).
        public var rotateSizeBytes: Int64?
        /// How many rotated files to keep.
        public var rotateFiles: Int
        /// Gzip rotated files (in the background, after the append lock is released).
        public var gzip: Bool
        /// zlib level for ``gzip`` (1 fastest … 9 smallest). The default, 1, keeps up with
        /// 500k events/s; at 6 (gzip's default) a busy writer waits for the previous gzip.
        public var gzipLevel: Int
        /// When to sync the file to disk.
        public var sync: SyncPolicy
        /// Bytes buffered before a batch is written; a batch is always whole lines.
        public var bufferSize: Int
        /// The permission bits of a file the writer creates (before the umask).
        public var mode: UInt32

        /// The jsonl exporter's defaults: append, no rotation (when enabled: 10 files, no gzip).
        public init(
            append: Bool = true,
            rotateSizeBytes: Int64? = nil,
            rotateFiles: Int = 10,
            gzip: Bool = false,
            gzipLevel: Int = 1,
            sync: SyncPolicy = .never,
            bufferSize: Int = 256 * 1024,
            mode: UInt32 = 0o644
        ) {
            self.append = append
            self.rotateSizeBytes = rotateSizeBytes
            self.rotateFiles = rotateFiles
            self.gzip = gzip
            self.gzipLevel = gzipLevel
            self.sync = sync
            self.bufferSize = bufferSize
            self.mode = mode
        }
    }

    /// The file written to.
    public let path: String
    /// How it is written.
    public let options: Options

    private var fd: Int32 = -1
    private var canRead = false
    private var buffer: UnsafeMutableRawBufferPointer
    private var count = 0
    private var closed = false
    private let rotator: Rotator?
    /// Gzips of rotated files run here; `background` is only touched on this queue.
    private let gzipQueue = DispatchQueue(label: "runra-events.jsonl-writer.gzip")
    private let background = BackgroundState()
    /// Whether a gzip this writer started may still run (only read and written by the owner).
    private var gzipMayRun = false
    /// The file's size after the last batch.
    private var lastSize: Int64 = 0

    /// Opens (creating when needed) the file at `path` for writing.
    public init(path: String, options: Options = Options()) throws {
        guard options.bufferSize > 0 else { throw RunraError(.usage, "bufferSize must be positive") }
        if let size = options.rotateSizeBytes, size <= 0 {
            throw RunraError(.configuration, "rotateSizeBytes must be positive, got \(size)")
        }
        self.path = path
        self.options = options
        rotator =
            options.rotateSizeBytes == nil
            ? nil
            : try Rotator(
                path: path,
                options: .init(
                    maxSize: options.rotateSizeBytes,
                    keep: options.rotateFiles,
                    gzip: options.gzip,
                    gzipLevel: options.gzipLevel
                )
            )
        self.buffer = .allocate(byteCount: options.bufferSize, alignment: 16)
        // The writer is whole from here on: when a step below throws, Swift runs `deinit`, which closes the
        // descriptor and frees the buffer. (Freeing them here as well was a double free: SIGSEGV, issue #25.)
        try open()
        if !options.append {
            try withAppendLock { _ in
                guard ftruncate(fd, 0) == 0 else { throw POSIX.ioError("truncate", path) }
            }
        }
    }

    deinit {
        if !closed { try? close() }
        buffer.deallocate()
    }

    /// Buffers one line; the writer adds the `\n`. The line must not contain a newline.
    public func append(line: UnsafeRawBufferPointer) throws {
        let needed = line.count + 1
        if count + needed > buffer.count {
            try flush()
            if needed > buffer.count {
                try writeBatch(line, newline: true)
                return
            }
        }
        if let base = line.baseAddress, line.count > 0 {
            (buffer.baseAddress! + count).copyMemory(from: base, byteCount: line.count)
        }
        buffer[count + line.count] = UInt8(ascii: "\n")
        count += needed
    }

    /// Buffers one line; the writer adds the `\n`. The line must not contain a newline.
    public func append(line: some Collection<UInt8>) throws {
        let done: Void? = try line.withContiguousStorageIfAvailable { try append(line: UnsafeRawBufferPointer($0)) }
        if done == nil {
            try Array(line).withUnsafeBytes { try append(line: $0) }
        }
    }

    /// Buffers one line given as a string; the writer adds the `\n`.
    public func append(line: String) throws {
        var line = line
        try line.withUTF8 { try append(line: UnsafeRawBufferPointer($0)) }
    }

    /// Buffers `lines` in order; the writer adds a `\n` to each.
    public func append<Line: Collection<UInt8>>(lines: some Sequence<Line>) throws {
        for line in lines { try append(line: line) }
    }

    /// Writes out the buffered lines as one batch.
    public func flush() throws {
        guard !closed else { throw RunraError(.io, "cannot write to \(path): the writer is closed") }
        guard count > 0 else { return }
        let pending = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
        count = 0
        try writeBatch(pending, newline: false)
    }

    /// Writes out the buffered lines, waits for a background gzip, and closes the file.
    ///
    /// Throws the first error of a rotation or gzip that ran during writing (the lines
    /// themselves were written; a failed gzip leaves the rotated file uncompressed).
    public func close() throws {
        guard !closed else { return }
        var flushError: (any Error)?
        do { try flush() } catch { flushError = error }
        closed = true
        let backgroundError = gzipQueue.sync { background.error }
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
        if let error = flushError ?? backgroundError { throw error }
    }

    // MARK: - Internals

    private func open() throws {
        do {
            fd = try POSIX.open(path, O_RDWR | O_APPEND | O_CREAT, mode: mode_t(options.mode))
            canRead = true
        } catch {
            fd = try POSIX.open(path, O_WRONLY | O_APPEND | O_CREAT, mode: mode_t(options.mode))
            canRead = false
        }
        needsTailCheck = true
    }

    private var needsTailCheck = true

    /// Runs `body` holding the append lock on the file the path names now, reopening it if a
    /// rotation replaced (or removed) the one open. `body` gets the file's `stat` before it runs.
    private func withAppendLock<T>(_ body: (stat) throws -> T) throws -> T {
        while true {
            try POSIX.lock(fd, LOCK_EX, path: path)
            let info = try POSIX.fileInfo(fd: fd, path)
            if let current = try POSIX.fileInfo(path), POSIX.sameFile(info, current) {
                defer { _ = flock(fd, LOCK_UN) }
                if needsTailCheck {
                    try terminateTornLine(size: info.st_size)
                    needsTailCheck = false
                }
                return try body(info)
            }
            _ = flock(fd, LOCK_UN)
            Glibc.close(fd)
            fd = -1
            try open()
        }
    }

    /// Adds a `\n` when the file's last byte is not one, so our first line starts a line.
    private func terminateTornLine(size: off_t) throws {
        guard size > 0, canRead else { return }
        var last: UInt8 = 0
        guard pread(fd, &last, 1, size - 1) == 1, last != UInt8(ascii: "\n") else { return }
        var newline = UInt8(ascii: "\n")
        try withUnsafeBytes(of: &newline) { try POSIX.writeAll(fd, $0, path: path) }
    }

    /// One batch under the append lock, then a size check and, when due, a rotation.
    ///
    /// With rotation on, a batch of whole lines is cut after the line that takes the file past `rotateSizeBytes`:
    /// that part is written, the file rotated, and the rest goes on in the new file, so every rotated file ends
    /// within one line of the limit however large the batches are.
    private func writeBatch(_ bytes: UnsafeRawBufferPointer, newline: Bool) throws {
        var rest = bytes
        while true {
            let written = try writePart(of: rest, newline: newline)
            if written >= rest.count { return }
            rest = UnsafeRawBufferPointer(rebasing: rest[written...])
        }
    }

    /// Writes the first part of `bytes` that fits the rotation limit (all of it without rotation); returns its size.
    private func writePart(of bytes: UnsafeRawBufferPointer, newline: Bool) throws -> Int {
        // Back-pressure: a rotation is due again while our previous gzip still runs. Wait for it
        // here, before taking the append lock, so files stay near `rotateSizeBytes` (one gzip in flight).
        if gzipMayRun, let limit = options.rotateSizeBytes, lastSize > limit {
            gzipQueue.sync {}
            gzipMayRun = false
        }
        while true {
            let written: Int? = try withAppendLock { info in
                // Still over the limit from an earlier batch (a gzip was running then): rotate
                // first, and write into the new file on the next pass.
                if let rotator, let limit = options.rotateSizeBytes, Int64(info.st_size) > limit,
                    rotateLocked(rotator, info: info)
                {
                    return nil
                }
                var part = bytes
                if !newline, rotator != nil, let limit = options.rotateSizeBytes {
                    part = Self.lines(of: bytes, crossing: limit - Int64(info.st_size))
                }
                do {
                    if newline {
                        var terminator = UInt8(ascii: "\n")
                        try withUnsafeBytes(of: &terminator) { newlineBytes in
                            try writeTwo(part, newlineBytes)
                        }
                    } else {
                        try POSIX.writeAll(fd, part, path: path)
                    }
                } catch {
                    rollBack(to: info.st_size)
                    throw error
                }
                if options.sync == .everyBatch { try POSIX.fsync(fd, path: path) }
                if let rotator, let limit = options.rotateSizeBytes {
                    let info = try POSIX.fileInfo(fd: fd, path)
                    lastSize = Int64(info.st_size)
                    if lastSize > limit { rotateLocked(rotator, info: info) }
                }
                return part.count
            }
            if let written { return written }
        }
    }

    /// The whole lines at the start of `bytes` up to and including the one that passes `room` bytes (all of
    /// `bytes` when they stay within it, or when there is no room left: the file could not be rotated just now).
    static func lines(of bytes: UnsafeRawBufferPointer, crossing room: Int64) -> UnsafeRawBufferPointer {
        guard room > 0, room < Int64(bytes.count) else { return bytes }
        let start = Int(room) - 1
        guard let newline = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start) else { return bytes }
        let end = bytes.baseAddress!.distance(to: UnsafeRawPointer(newline)) + 1
        return UnsafeRawBufferPointer(rebasing: bytes[0..<end])
    }

    /// After a failed write (a full disk, `EFBIG` past `ulimit -f`): cuts the file back to its size before the batch,
    /// so no partial line is left for the next batch to be glued to. Best effort: a device cannot be truncated.
    private func rollBack(to size: off_t) {
        _ = ftruncate(fd, size)
        // The size was taken before a torn line was terminated; check the tail again next time.
        needsTailCheck = true
    }

    /// A line too big for the buffer and its newline, in one `writev(2)` when the kernel takes it all.
    private func writeTwo(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) throws {
        var vectors = [
            iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count),
        ]
        var written = -1
        while written < 0 {
            written = writev(fd, &vectors, 2)
            if written < 0 && errno != EINTR { throw POSIX.ioError("write to", path) }
        }
        if written < first.count {
            try POSIX.writeAll(fd, UnsafeRawBufferPointer(rebasing: first[written...]), path: path)
            try POSIX.writeAll(fd, second, path: path)
        } else if written < first.count + second.count {
            try POSIX.writeAll(fd, UnsafeRawBufferPointer(rebasing: second[(written - first.count)...]), path: path)
        }
    }

    /// Rotates while holding the append lock, if no other rotation of this log is running
    /// (otherwise the next batch tries again). The gzip runs in the background afterwards,
    /// still under the rotation lock, so no other rotation can shift the file being compressed.
    @discardableResult
    private func rotateLocked(_ rotator: Rotator, info: stat) -> Bool {
        let lock: RotationLock
        do {
            guard let acquired = try RotationLock(basePath: path, wait: false) else { return false }
            lock = acquired
        } catch {
            record(error)
            return false
        }
        let rotated: String
        let interrupted: [String]
        do {
            interrupted = try rotator.shiftRotatedFiles()
            rotated = try rotator.moveLiveFileLocked(fd: fd, info: info)
        } catch {
            lock.release()
            record(error)
            return false
        }
        lastSize = 0
        gzipMayRun = true
        let state = background
        gzipQueue.async {
            defer { lock.release() }
            do {
                _ = try rotator.finishRotation(rotated, alsoCompressing: interrupted)
            } catch {
                if state.error == nil { state.error = error }
            }
        }
        return true
    }

    private func record(_ error: any Error) {
        let state = background
        gzipQueue.async { if state.error == nil { state.error = error } }
    }
}

/// The first error of a background rotation step; touched only on the writer's gzip queue.
private final class BackgroundState: @unchecked Sendable {
    var error: (any Error)?
}
