#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gzips a file next to itself (block gzip, ``BlockGzip``), crash-safely: `name` becomes `name.gz`, then `name` is
/// removed.
///
/// The output is written to a hidden temporary file in the same folder
/// (`.name.gz.tmp-<pid>`), synced, and renamed into place only when complete, so a crash
/// never leaves a half-written `.gz` under its final name. Only after that rename is the
/// uncompressed source removed; a crash in between leaves both (same content), which
/// ``RotatedSet`` and ``Rotator`` resolve in favour of the uncompressed file.
enum GzipFileCompressor {
    /// The prefix and marker of this process's temporary files, for cleanup of stale ones.
    static let temporaryMarker = ".gz.tmp-"

    /// Compresses `source` into `source.gz` and removes `source`. Returns the new path.
    @discardableResult
    static func compressInPlace(_ source: String, level: Int = 6) throws -> String {
        let destination = source + ".gz"
        let (directory, name) = POSIX.split(source)
        let temporary = POSIX.join(directory, "." + name + temporaryMarker + String(getpid()))

        let input = try POSIX.open(source, O_RDONLY)
        defer { close(input) }
        let sourceInfo = try POSIX.fileInfo(fd: input, source)
        let output = try POSIX.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode: sourceInfo.st_mode & 0o7777)
        var outputOpen = true
        defer { if outputOpen { close(output) } }
        do {
            // The temporary file was created under the umask: give it the source's mode exactly.
            _ = fchmod(output, sourceInfo.st_mode & 0o7777)
            let writer = try BlockGzipWriter(level: level) { try POSIX.writeAll(output, $0, path: temporary) }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let count = try POSIX.read(input, into: buffer, path: source)
                if count == 0 { break }
                try writer.write(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
            try writer.finish()
            try POSIX.fsync(output, path: temporary)
            close(output)
            outputOpen = false
            try POSIX.rename(temporary, destination)
        } catch {
            try? POSIX.unlink(temporary)
            throw error
        }
        POSIX.fsyncDirectory(directory)
        try POSIX.unlink(source)
        return destination
    }
}
