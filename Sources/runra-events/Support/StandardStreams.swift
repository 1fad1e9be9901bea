import RunraEvents

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(CoreFoundation)
// Glibc's `struct stat` is seen through CoreFoundation's module once swift-prometheus is in the build.
import CoreFoundation
#endif

/// Standard output for data. A closed pipe ends the program quietly with status 0.
final class StandardOutput: @unchecked Sendable {
    /// The process's one standard output; touched only from the command's task.
    static let shared = StandardOutput()

    let writer = ByteWriter(fileDescriptor: 1)

    /// Whether standard output is a terminal.
    static var isTerminal: Bool { isatty(1) != 0 }

    /// Whether standard output is a pipe or socket.
    private static let isPipe: Bool = {
        var info = stat()
        guard fstat(1, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFIFO || (info.st_mode & S_IFMT) == S_IFSOCK
    }()

    /// Whether the reader of a standard output pipe went away (`tail -f log | head -1` after its line), known
    /// without writing: a follower that has nothing to write for hours still ends with its pipeline, as GNU tail.
    static var readerIsGone: Bool {
        guard isPipe else { return false }
        var entry = pollfd(fd: 1, events: 0, revents: 0)
        return poll(&entry, 1, 0) > 0 && entry.revents & Int16(POLLERR | POLLHUP) != 0
    }

    func write(_ string: String) {
        do { try writer.write(string) } catch { exitAfterWriteFailure(error) }
    }

    func flush() {
        do { try writer.flush() } catch { exitAfterWriteFailure(error) }
    }

    /// A reader that went away is not an error (`filter … | head -1`); a full disk is.
    func exitAfterWriteFailure(_ error: any Error) -> Never {
        if error is ByteWriter.BrokenPipe { exit(0) }
        StandardError.print("runra-events: error: \(error)")
        exit(ExitStatus.usageOrInput)
    }
}

/// Standard error for diagnostics, unbuffered.
enum StandardError {
    /// Whether standard error is a terminal (progress is shown only then).
    static var isTerminal: Bool { isatty(2) != 0 }

    static func print(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { bytes in
            _ = Glibc.write(2, bytes.baseAddress, bytes.count)
        }
    }
}
