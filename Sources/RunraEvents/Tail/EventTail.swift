#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `tail` command as a library call: the last selected events of a log, then (when following)
/// every selected event appended to it, across rotation, truncation and re-creation.
///
/// A plain file is read backwards from its end in blocks, never whole; so is a block-gzip file, a member at a time
/// (``LastEvents/readBlockGzipBackward(fileDescriptor:name:size:count:checker:)``). Other gzip files and streams
/// (standard input, pipes) are read forward, keeping the last events in a ring.
public struct EventTail: Sendable {
    /// Which events to write.
    public var selection: EventSelection
    /// How to write them.
    public var format: OutputFormat
    /// `--fields`: the projection for csv, tsv and json (`nil`: whole events; csv/tsv use a default set).
    public var fields: [JSONPath]?
    /// `-n`: how many of the last selected events to write first.
    public var count = 10
    /// `-f`: keep following the file by name (or keep reading the stream) after the last events.
    public var follows = false
    /// `--rotated`: let `count` reach back into the rotated files (FILE.1, FILE.2.gz …).
    public var includesRotated = false
    /// Print csv/tsv's header row.
    public var printsHeader = true
    /// Color the pretty format.
    public var usesColor = false
    /// How often a followed file is checked for new data.
    public var pollInterval: Duration = .milliseconds(200)
    /// The size of the blocks read backwards.
    public var blockSize = 64 * 1024

    /// A tail with `selection`, writing `format`.
    public init(selection: EventSelection, format: OutputFormat = .jsonl) {
        self.selection = selection
        self.format = format
    }

    /// What a tail run did.
    public struct Summary: Sendable {
        /// Events written.
        public var written: Int
        /// What was read (only the part of a file that was needed).
        public var read: ReadSummary
    }

    /// Writes the last events of `path` (`nil` or `-` is standard input) to `output`, then follows it.
    ///
    /// `onBadLine` sees bad lines (reading backwards, those of a file in input order, and with
    /// ``BadLine/byteOffset`` instead of a line number); throw from it to stop (`--strict`).
    /// `onNotice` hears of rotation, truncation and deletion while following. Following ends when
    /// `shouldStop` says so (checked at least once per ``pollInterval``) or when a stream ends.
    public func run(
        path: String?,
        options: ReadOptions = ReadOptions(),
        output: ByteWriter,
        onBadLine: (BadLine) throws -> Void,
        onNotice: (String) -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) throws -> Summary {
        try withoutActuallyEscaping(onBadLine) { onBadLine in
            try run(
                path: path,
                state: RunState(
                    tail: self,
                    options: options,
                    writer: TailWriter(
                        renderer: EventRenderer(format: format, fields: fields, colors: usesColor),
                        format: format,
                        output: output
                    ),
                    onBadLine: onBadLine
                ),
                onNotice: onNotice,
                shouldStop: shouldStop
            )
        }
    }

    private func run(
        path: String?,
        state: RunState,
        onNotice: (String) -> Void,
        shouldStop: () -> Bool
    ) throws -> Summary {
        var state = state
        try state.writer.begin(printsHeader: printsHeader)
        if let path, path != "-", !isStream(path) {
            try state.runFile(path: path, onNotice: onNotice, shouldStop: shouldStop)
        } else {
            try state.runStream(source: ByteSource(path: path), shouldStop: shouldStop)
        }
        try state.writer.end()
        try state.writer.flush()
        var read = state.checker.summary
        read.inputErrors = state.inputErrors
        return Summary(written: state.writer.written, read: read)
    }

    /// Whether `path` exists and is not a regular file (a FIFO, a device): read it as a stream.
    private func isStream(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG && (info.st_mode & S_IFMT) != S_IFDIR
    }
}

/// One run's state, so the steps can share it.
private struct RunState {
    let tail: EventTail
    let options: ReadOptions
    let writer: TailWriter
    let onBadLine: (BadLine) throws -> Void
    var checker: TailLineChecker
    var inputErrors: [RunraError] = []

    init(tail: EventTail, options: ReadOptions, writer: TailWriter, onBadLine: @escaping (BadLine) throws -> Void) {
        self.tail = tail
        self.options = options
        self.writer = writer
        self.onBadLine = onBadLine
        self.checker = TailLineChecker(selection: tail.selection, options: options)
    }

    // MARK: Files

    mutating func runFile(path: String, onNotice: (String) -> Void, shouldStop: () -> Bool) throws {
        var members = [path]
        if tail.includesRotated {
            members = try RotatedSet(basePath: path).members()
            if members.isEmpty && !tail.follows {
                throw RunraError(.io, "cannot open \(path): no such file, and no rotated files beside it")
            }
        }
        var newestFirst: [LastEvents] = []
        var found = 0
        var follower: FileFollower?
        for member in members.reversed() {
            let followsThis = tail.follows && member == path
            if found >= tail.count && !followsThis { break }
            let last = try lastEvents(
                of: member,
                count: tail.count - found,
                follows: followsThis,
                follower: &follower,
                onNotice: onNotice
            )
            found += last.events.count
            newestFirst.append(last)
        }
        for last in newestFirst.reversed() {
            for bad in last.badLines { try onBadLine(bad) }
            if let error = last.error { inputErrors.append(error) }
        }
        for last in newestFirst.reversed() {
            for event in last.events { try writer.write(event) }
        }
        guard tail.follows else { return }
        if follower == nil {
            onNotice("cannot open \(path) (No such file or directory); waiting for it to appear")
            follower = FileFollower(
                path: path,
                fileDescriptor: -1,
                offset: 0,
                maximumLineBytes: options.maximumLineBytes
            )
        }
        try follow(follower!, path: path, onNotice: onNotice, shouldStop: shouldStop)
    }

    /// The last `count` selected events of one file; for the followed file, also its follower.
    private mutating func lastEvents(
        of path: String,
        count: Int,
        follows: Bool,
        follower: inout FileFollower?,
        onNotice: (String) -> Void
    ) throws -> LastEvents {
        guard let (descriptor, info) = try openToRead(path, follows: follows, follower: &follower, onNotice: onNotice)
        else {
            return LastEvents()
        }
        var magic: (UInt8, UInt8) = (0, 0)
        let magicCount = withUnsafeMutableBytes(of: &magic) { pread(descriptor, $0.baseAddress, 2, 0) }
        if magicCount == 2 && magic == (0x1F, 0x8B) {
            defer { close(descriptor) }
            return try lastEvents(
                ofGzip: path,
                descriptor: descriptor,
                size: Int64(info.st_size),
                count: count,
                follows: follows
            )
        }
        let last: LastEvents
        do {
            last = try LastEvents.readBackward(
                fileDescriptor: descriptor,
                name: path,
                end: Int64(info.st_size),
                count: count,
                holdsPartialLine: follows,
                blockSize: tail.blockSize,
                checker: &checker
            )
        } catch {
            close(descriptor)
            throw error
        }
        if follows {
            follower = FileFollower(
                path: path,
                fileDescriptor: descriptor,
                offset: last.followOffset ?? Int64(info.st_size),
                maximumLineBytes: options.maximumLineBytes
            )
        } else {
            close(descriptor)
        }
        return last
    }

    /// Opens `path` for reading: its descriptor and `stat`. `nil` when a followed file is not there yet (its
    /// follower waits for it).
    private func openToRead(
        _ path: String,
        follows: Bool,
        follower: inout FileFollower?,
        onNotice: (String) -> Void
    ) throws -> (Int32, stat)? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            if follows && errno == ENOENT {
                onNotice("cannot open \(path) (\(reason)); waiting for it to appear")
                follower = FileFollower(
                    path: path,
                    fileDescriptor: -1,
                    offset: 0,
                    maximumLineBytes: options.maximumLineBytes
                )
                return nil
            }
            throw RunraError(.io, "cannot open \(path): \(reason)")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw RunraError(.io, "cannot read \(path): \(reason)")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw RunraError(.io, "cannot read \(path): it is a directory")
        }
        return (descriptor, info)
    }

    /// The last `count` selected events of a gzip file: from its last members when it is block gzip, else read
    /// forward. A gzip file cannot be followed.
    private mutating func lastEvents(
        ofGzip path: String,
        descriptor: Int32,
        size: Int64,
        count: Int,
        follows: Bool
    ) throws -> LastEvents {
        if !follows,
            let last = LastEvents.readBlockGzipBackward(
                fileDescriptor: descriptor,
                name: path,
                size: size,
                count: count,
                checker: &checker
            )
        {
            return last
        }
        if follows {
            throw RunraError(
                .usage,
                "cannot follow \(path): it is gzip-compressed; leave out -f, or follow the live (plain) log"
            )
        }
        var last = LastEvents.readForward(source: try ByteSource(path: path), count: count, checker: &checker)
        if let error = last.error {
            last.error = RunraError(
                error.code,
                error.message.hasPrefix(path) ? error.message : "\(path): \(error.message)"
            )
        }
        return last
    }

    private mutating func follow(
        _ follower: FileFollower,
        path: String,
        onNotice: (String) -> Void,
        shouldStop: () -> Bool
    ) throws {
        try writer.flush()
        while !shouldStop() {
            try follower.poll(
                { line in try self.take(line, source: path, numbersKnown: false, ring: nil) },
                onNotice: onNotice
            )
            try writer.flush()
            if shouldStop() { break }
            sleepThread(for: tail.pollInterval)
        }
    }

    /// Checks one line: bad lines go to `onBadLine`, selected events to the ring (when given) or the output.
    private mutating func take(
        _ line: LineSplitter.Line,
        source: String,
        numbersKnown: Bool = true,
        ring: UnsafeMutablePointer<EventRing>?
    ) throws {
        var bad: [BadLine] = []
        if let event = checker.handle(line, source: source, numbersKnown: numbersKnown, badLines: &bad) {
            if let ring { ring.pointee.append(event) } else { try writer.write(event) }
        }
        for line in bad { try onBadLine(line) }
    }

    // MARK: Streams

    /// Standard input or a pipe: read to its end keeping the last events; when following, write the
    /// last events once the input pauses (nothing new within a poll interval), then each new one.
    mutating func runStream(source: ByteSource, shouldStop: () -> Bool) throws {
        guard tail.follows else {
            let last = LastEvents.readForward(source: source, count: tail.count, checker: &checker)
            for bad in last.badLines { try onBadLine(bad) }
            if let error = last.error { inputErrors.append(error) }
            for event in last.events { try writer.write(event) }
            return
        }
        var ring = EventRing(capacity: tail.count)
        var collecting = true
        var splitter = LineSplitter(maximumLineBytes: options.maximumLineBytes)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1024 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        let name = source.name
        let timeout = Int32(
            max(
                1,
                tail.pollInterval.components.seconds * 1000 + tail.pollInterval.components.attoseconds
                    / 1_000_000_000_000_000
            )
        )
        var mayHoldMore = false
        func flushRing() throws {
            collecting = false
            for event in ring.elements { try writer.write(event) }
            ring = EventRing(capacity: 0)
            try writer.flush()
        }
        reading: while !shouldStop() {
            if !mayHoldMore {
                var request = pollfd(fd: source.descriptor, events: Int16(POLLIN), revents: 0)
                let ready = poll(&request, 1, timeout)
                if ready < 0 && errno != EINTR {
                    throw RunraError(.io, "cannot read \(name): \(String(cString: strerror(errno)))")
                }
                if ready <= 0 {
                    if collecting && ready == 0 { try flushRing() }
                    continue
                }
            }
            let count: Int
            do {
                count = try source.read(into: buffer)
            } catch {
                inputErrors.append(error as? RunraError ?? RunraError(.io, "\(name): \(error)"))
                break reading
            }
            if count == 0 { break }
            mayHoldMore = count == buffer.count
            try withUnsafeMutablePointer(to: &ring) { ringPointer in
                try splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count])) { line in
                    try self.take(line, source: name, ring: collecting ? ringPointer : nil)
                }
            }
            if !collecting { try writer.flush() }
        }
        try withUnsafeMutablePointer(to: &ring) { ringPointer in
            try splitter.finish { line in try self.take(line, source: name, ring: collecting ? ringPointer : nil) }
        }
        if collecting { try flushRing() }
    }

}
