#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The file descriptor a writer owns: created exclusively, written fully (retrying short writes and EINTR),
/// synced and closed, every failure a `ParquetError` naming the path.
final class FileOutput {
    let path: String
    private var descriptor: Int32
    /// Bytes written so far: the next write's file offset.
    private(set) var offset = 0

    /// Creates `path` with O_CREAT|O_EXCL|O_WRONLY|O_CLOEXEC, mode 0644.
    init(creating path: String) throws(ParquetError) {
        self.path = path
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            let hint: String
            switch code {
            case ENOENT, ENOTDIR: hint = "create the directory first"
            case EEXIST: hint = "the file exists; choose another name or delete it"
            case EACCES, EPERM, EROFS: hint = "choose a directory you may write to"
            default: hint = "check the path"
            }
            throw ParquetError(
                code: .create,
                path: path,
                errno: code,
                message: "cannot create Parquet file \(path): \(String(cString: strerror(code))) (\(hint))"
            )
        }
        descriptor = fd
    }

    /// Takes over `descriptor`, already open for writing at offset 0.
    init(descriptor: Int32, path: String) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { abandon() }

    /// Writes all of `bytes` at the current offset.
    func write(_ bytes: UnsafeRawBufferPointer) throws(ParquetError) {
        guard descriptor >= 0 else { throw failure("write to", errno: EBADF) }
        var done = 0
        while done < bytes.count {
            let n = systemWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("write to", errno: errno)
            }
            if n == 0 { throw failure("write to", errno: EIO) }
            done += n
        }
        offset += bytes.count
    }

    /// fsync, then close.
    func syncAndClose() throws(ParquetError) {
        guard descriptor >= 0 else { throw failure("close", errno: EBADF) }
        if fsync(descriptor) != 0 {
            let code = errno
            abandon()
            throw failure("fsync", errno: code)
        }
        let fd = descriptor
        descriptor = -1
        if close(fd) != 0 { throw failure("close", errno: errno) }
    }

    /// Closes the descriptor, ignoring errors; idempotent.
    func abandon() {
        guard descriptor >= 0 else { return }
        _ = close(descriptor)
        descriptor = -1
    }

    private func failure(_ operation: String, errno code: Int32) -> ParquetError {
        let hint = code == ENOSPC || code == EDQUOT ? "free some space" : "check the file system"
        return ParquetError(
            code: .io,
            path: path,
            errno: code,
            message: "cannot \(operation) Parquet file \(path): \(String(cString: strerror(code))) (\(hint); "
                + "the file is incomplete: delete it)"
        )
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
