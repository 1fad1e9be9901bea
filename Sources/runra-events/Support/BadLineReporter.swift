import RunraEvents

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reports bad lines (SPEC §6): the first few as `FILE:LINE: reason` on stderr, then a total;
/// `--strict` turns the first into an error, `--dead-letter` keeps them verbatim. Safe to call from the thread that
/// reads (`replay`).
final class BadLineReporter: @unchecked Sendable {
    static let shownLines = 5

    private let strict: Bool
    private let quiet: Bool
    private let deadLetter: ByteWriter?
    private let deadLetterFD: Int32
    private let lock = Monitor()
    private var reported = 0

    /// Bad lines reported so far.
    var count: Int { lock.withLock { reported } }

    convenience init(inputs: InputOptions, quiet: Bool) throws {
        try self.init(strict: inputs.strict, deadLetterPath: inputs.deadLetter, quiet: quiet)
    }

    init(strict: Bool, deadLetterPath: String?, quiet: Bool) throws {
        self.strict = strict
        self.quiet = quiet
        if let path = deadLetterPath {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw RunraError(.io, "cannot create dead-letter file \(path): \(String(cString: strerror(errno)))")
            }
            deadLetterFD = fd
            deadLetter = ByteWriter(fileDescriptor: fd, name: path)
        } else {
            deadLetterFD = -1
            deadLetter = nil
        }
    }

    deinit {
        if deadLetterFD >= 0 { close(deadLetterFD) }
    }

    /// Handles one bad line; throws under `--strict`.
    @Sendable func report(_ bad: BadLine) throws {
        try lock.withLock { try handle(bad) }
    }

    private func handle(_ bad: BadLine) throws {
        reported += 1
        if strict {
            throw RunraError(.badLine, "\(bad.diagnostic) (stopped by --strict)")
        }
        if let deadLetter, let line = bad.line {
            try deadLetter.write(line)
            try deadLetter.write(byte: 0x0A)
        }
        if reported <= Self.shownLines && !quiet { StandardError.print(bad.diagnostic) }
    }

    /// Writes `line` to the dead-letter file, if there is one (for events a destination refused).
    func writeDeadLetter(_ line: [UInt8]) throws {
        guard let deadLetter else { return }
        try lock.withLock {
            try deadLetter.write(line)
            try deadLetter.write(byte: 0x0A)
        }
    }

    /// Prints the total and flushes the dead-letter file.
    func finish() throws {
        try lock.withLock { try deadLetter?.flush() }
        let count = self.count
        if count > Self.shownLines && !quiet {
            StandardError.print("runra-events: \(count) bad lines skipped (first \(Self.shownLines) shown)")
        } else if count > 0 && !quiet {
            StandardError.print("runra-events: \(count) bad line\(count == 1 ? "" : "s") skipped")
        }
    }
}
