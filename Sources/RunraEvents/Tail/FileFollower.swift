#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Follows a file by name, as `tail -F` does: each ``poll(_:onNotice:)`` reads what was appended
/// since the last one and notices when the name now leads to another file.
///
/// - Rename-rotation or replacement (the path has another inode): the old descriptor is read to
///   its end first (its last line counts even without a newline), then the new file from its start.
/// - Truncation (the file is smaller than what was read): read again from its start, with a notice.
///   A truncation followed by writes past the old size before the next poll cannot be seen.
/// - Deletion: a notice, then the new file when the name reappears.
/// A line is handed out only once its newline has arrived, so a line is never split or repeated.
final class FileFollower {
    private let path: String
    private var fileDescriptor: Int32
    private var device: UInt64 = 0
    private var inode: UInt64 = 0
    private var splitter: LineSplitter
    /// The path was missing at the last poll (a notice was given).
    private var isMissing = false
    private let buffer: UnsafeMutableRawBufferPointer

    /// Follows `path`, adopting `fileDescriptor` (open on it, or -1 when the file does not exist yet)
    /// and starting at `offset`.
    init(path: String, fileDescriptor: Int32, offset: Int64, maximumLineBytes: Int) {
        self.path = path
        self.fileDescriptor = fileDescriptor
        self.splitter = LineSplitter(maximumLineBytes: maximumLineBytes, offset: offset)
        self.buffer = .allocate(byteCount: 256 * 1024, alignment: 16)
        if fileDescriptor >= 0 { recordIdentity() } else { isMissing = true }
    }

    deinit {
        buffer.deallocate()
        if fileDescriptor >= 0 { close(fileDescriptor) }
    }

    /// Reads what is new, calling `onLine` for each complete line and `onNotice` for each change of file.
    func poll(_ onLine: (LineSplitter.Line) throws -> Void, onNotice: (String) -> Void) throws {
        if fileDescriptor >= 0 { try drain(onLine) }
        var info = stat()
        guard stat(path, &info) == 0 else {
            if !isMissing {
                isMissing = true
                onNotice(
                    "\(path) has become inaccessible (\(String(cString: strerror(errno)))); waiting for it to reappear"
                )
            }
            return
        }
        let sameFile = fileDescriptor >= 0 && UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
        if sameFile {
            isMissing = false
            var current = stat()
            if fstat(fileDescriptor, &current) == 0 && Int64(current.st_size) < splitter.offset {
                let dropped = splitter.holdsPartialLine ? " (an incomplete last line was dropped)" : ""
                onNotice("\(path): file truncated; reading it again from the start\(dropped)")
                splitter.reset(offset: 0)
                try drain(onLine)
            }
            return
        }
        // Another file under the name: open it before giving up the old one.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }  // gone again between stat and open: retry next poll
        if fileDescriptor >= 0 {
            try drain(onLine)
            try splitter.finish(onLine)
            close(fileDescriptor)
            onNotice("\(path) has been replaced; following the new file")
        } else {
            onNotice("\(path) has appeared; following it")
        }
        fileDescriptor = descriptor
        isMissing = false
        recordIdentity()
        splitter.reset(offset: 0)
        try drain(onLine)
    }

    private func recordIdentity() {
        var info = stat()
        if fstat(fileDescriptor, &info) == 0 {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// Reads the open file from the splitter's offset to its current end.
    private func drain(_ onLine: (LineSplitter.Line) throws -> Void) throws {
        while true {
            let count = pread(fileDescriptor, buffer.baseAddress, buffer.count, off_t(splitter.offset))
            if count < 0 {
                if errno == EINTR { continue }
                throw RunraError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { return }
            try splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]), onLine)
        }
    }
}
