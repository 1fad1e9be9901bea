#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads logs while they are written, across rotation, as a log shipper does (`replay --follow`).
///
/// Each input is a path or a glob (`logs/*.jsonl`); each matching log is followed with its rotated set:
/// first the rotated files, oldest first, then the live file, which is followed by name across rename,
/// `copytruncate`, truncation and re-creation. Files are known by a fingerprint of their first line, not by
/// name, so a file renamed to `.1` and compressed to `.1.gz` is read once. Every file not read to its end is
/// held open, so rotation cannot delete it from under the reader.
///
/// The reader hands out ``Piece``s: the selected events of a stretch of one file, with where each ends, so
/// that a caller can checkpoint what was delivered (``Resume``) and a later reader continue from there.
public final class LiveLogReader: @unchecked Sendable {
    /// Where to continue in a file an earlier run read (by the file's fingerprint).
    public struct Resume: Sendable, Equatable {
        /// Bytes through the last delivered line (decompressed bytes for gzip).
        public var offset: Int64
        /// That line's number.
        public var line: Int
        /// The file was delivered to its end and will not grow: skip it.
        public var isComplete: Bool

        /// A resume point.
        public init(offset: Int64, line: Int, isComplete: Bool) {
            self.offset = offset
            self.line = line
            self.isComplete = isComplete
        }
    }

    /// One file as the reader knows it.
    public struct FileState: Sendable, Equatable {
        /// The followed log (the live file's path) it belongs to.
        public var log: String
        /// The fingerprint of its first line (``ContentFingerprint``).
        public var fingerprint: String
        /// The name it had when last seen.
        public var path: String
        public var device: UInt64
        public var inode: UInt64
        public var isCompressed: Bool
        /// Its size in bytes when last looked at (decompressed for gzip: known once read to the end).
        public var size: Int64?
        /// Bytes read (through the last whole line).
        public var readOffset: Int64
        /// Read to its end and closed.
        public var isFinished: Bool
        /// Found in its log's set by the latest scan (under any name, in any form).
        public var isPresent: Bool
        /// Last modification, seconds since the epoch.
        public var modified: Int64
        /// Still the live file, under the log's own name, in the latest scan (it may grow): not yet rotated away.
        public var isLive: Bool

        package init(
            log: String,
            fingerprint: String,
            path: String,
            device: UInt64,
            inode: UInt64,
            isCompressed: Bool,
            size: Int64?,
            readOffset: Int64,
            isFinished: Bool,
            isPresent: Bool,
            modified: Int64,
            isLive: Bool = false
        ) {
            self.log = log
            self.fingerprint = fingerprint
            self.path = path
            self.device = device
            self.inode = inode
            self.isCompressed = isCompressed
            self.size = size
            self.readOffset = readOffset
            self.isFinished = isFinished
            self.isPresent = isPresent
            self.modified = modified
            self.isLive = isLive
        }
    }

    /// Selected events from one stretch of one file.
    public struct Piece: Sendable {
        /// The file.
        public var file: FileState
        /// The selected events.
        public var events: [RuntimeEvent]
        /// For each event, the offset just past its line (where a resume after it starts).
        public var ends: [Int64]
        /// For each event, its line number.
        public var lines: [Int]
        /// The offset just past the last whole line of the stretch (filtered-out and bad lines included).
        public var end: Int64
        /// The line number of that last line.
        public var endLine: Int

        package init(file: FileState, events: [RuntimeEvent], ends: [Int64], lines: [Int], end: Int64, endLine: Int) {
            self.file = file
            self.events = events
            self.ends = ends
            self.lines = lines
            self.end = end
            self.endLine = endLine
        }
    }

    /// The inputs: paths or glob patterns.
    public let inputs: [String]
    /// Which events to hand out.
    public let selection: EventSelection
    /// Limits and the size of each read.
    public let options: ReadOptions
    /// Where rotation moves the logs' files besides their own directory (logrotate's `olddir`): absolute, or
    /// relative to each log's directory, as logrotate resolves them.
    public var olddirs: [String] = []
    /// How long a rotated plain file is kept open, once read to its end, after it last grew (``isIdle``).
    public var rotatedFileLinger: Duration = .seconds(5)
    /// How often the files are checked for news when there is nothing to read.
    public var pollInterval: Duration = .milliseconds(200)
    /// How long a truncated file's copy is looked for before the rest of the file is given up: `copytruncate`
    /// makes the copy first, but a rotation may be renaming or compressing it when the truncation is seen.
    static let copyGracePeriod: Duration = .seconds(2)

    private let monitor = Monitor()
    private var sets: [FollowedSet] = []
    private var resumePoints: [String: Resume] = [:]
    private var matchedResumePoints = Set<String>()
    private var states: [FileState] = []
    private var noticedMissing = Set<String>()
    private var onNotice: (String) -> Void = { _ in }

    /// A reader of `inputs` handing out the events `selection` matches.
    public init(inputs: [String], selection: EventSelection = EventSelection(), options: ReadOptions = ReadOptions()) {
        self.inputs = inputs
        self.selection = selection
        self.options = options
    }

    /// Whether a file an earlier run had not read to its end has not been found yet.
    private var hasUnmatchedResumePoints: Bool {
        resumePoints.contains { !$0.value.isComplete && !matchedResumePoints.contains($0.key) }
    }

    /// The files known now, by log, oldest first (any thread).
    public func status() -> [FileState] {
        monitor.withLock { states }
    }

    /// Reads until `shouldStop` says so (checked at least every 50 ms while waiting) or `onPiece` returns
    /// `false`. Starts each file an earlier run read at its `resume` point. Once it has looked for all of them
    /// (for up to ``copyGracePeriod`` when some are out of sight), it calls `onResumeChecked` with those that are
    /// gone although they were not delivered to their end; not at all if stopped before. `onBadLine` may throw
    /// to stop.
    public func run(
        resume: [String: Resume] = [:],
        onPiece: (Piece) throws -> Bool,
        onBadLine: (BadLine) throws -> Void,
        onNotice: @escaping (String) -> Void = { _ in },
        onResumeChecked: (_ lost: [String]) -> Void = { _ in },
        shouldStop: () -> Bool
    ) throws -> ReadSummary {
        resumePoints = resume
        self.onNotice = onNotice
        defer { self.onNotice = { _ in } }
        var checker = TailLineChecker(selection: selection, options: options)
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: max(64 * 1024, options.chunkBytes),
            alignment: 16
        )
        defer { buffer.deallocate() }

        discover()
        // A file the checkpoint names may be out of sight for a moment: a rotation may be renaming, copying or
        // compressing it just now. Look again for a while before calling it lost.
        let lookUntil = ContinuousClock.now + Self.copyGracePeriod
        while hasUnmatchedResumePoints && ContinuousClock.now < lookUntil {
            guard !shouldStop() else { return checker.summary }
            sleepThread(for: .milliseconds(50))
            discover()
        }
        onResumeChecked(
            resumePoints.filter { !$0.value.isComplete && !matchedResumePoints.contains($0.key) }.keys.sorted()
        )
        let perCycle = 4 * buffer.count
        while !shouldStop() {
            var busy = false
            for set in sets {
                var index = 0
                while index < set.files.count {
                    let file = set.files[index]
                    index += 1
                    if file.isFinished { continue }
                    if file.isTruncated {
                        if let copy = set.copy(of: file) {
                            onNotice("\(file.path) was truncated; reading the rest of it from its copy \(copy.path)")
                            file.move(
                                to: copy.descriptor,
                                path: copy.path,
                                info: copy.info,
                                isCompressed: copy.isCompressed
                            )
                        } else if file.keepsLookingForCopy(for: Self.copyGracePeriod) {
                            continue  // a rotation may still be renaming or compressing it: look again next time
                        } else {
                            onNotice(
                                "\(file.path) was truncated and no copy of it appeared within \(Self.copyGracePeriod); "
                                    + "following it again from its start"
                            )
                            file.abandon()
                            continue
                        }
                    }
                    var spent = 0
                    while spent < perCycle && !shouldStop() {
                        var piece = PieceBuilder(file: file)
                        let count: Int
                        do {
                            count = try file.read(budget: buffer.count, buffer: buffer) { line in
                                try piece.take(line, checker: &checker, onBadLine: onBadLine)
                            }
                        } catch let error as RunraError where error.code != .badLine {
                            // A corrupt or truncated gzip member: what came before it was handed out.
                            onNotice("\(error.message); skipping the rest of \(file.path)")
                            checker.summary.inputErrors.append(error)
                            file.abandon()
                            count = 0
                        }
                        spent += count
                        if count == 0 && !file.isFinished && !file.isCompressed && !set.isHeld(file)
                            && file.isIdle(for: rotatedFileLinger)
                        {
                            // Rotated away (renamed out of sight, compressed or deleted), read to its end, and not
                            // written for a while: nothing more will come.
                            try file.finish { line in try piece.take(line, checker: &checker, onBadLine: onBadLine) }
                        }
                        if piece.hasLines || file.isFinished {
                            let state = updateState(of: file, in: set)
                            guard
                                try onPiece(
                                    piece.make(state: state, end: file.consumedOffset, endLine: file.consumedLine)
                                )
                            else {
                                return checker.summary
                            }
                        }
                        if count == 0 || file.isFinished { break }
                    }
                    if spent >= perCycle { busy = true }
                }
                set.forgetOld()
            }
            publishStates()
            if !busy {
                var waited = Duration.zero
                while waited < pollInterval && !shouldStop() {
                    let slice = min(.milliseconds(50), pollInterval - waited)
                    sleepThread(for: slice)
                    waited += slice
                }
            }
            discover()
        }
        return checker.summary
    }

    /// Looks for new and rotated files now. Safe to call from within `onPiece` (while handing a piece over
    /// waits, so that files rotated meanwhile are opened, and so kept, before rotation deletes them).
    public func discover() {
        let logs = expandInputs()
        for path in logs where !sets.contains(where: { $0.basePath == path }) {
            sets.append(FollowedSet(basePath: path, olddirs: olddirs))
        }
        for input in inputs where !noticedMissing.contains(input) {
            let isGlob = Self.isGlob(input)
            let found =
                isGlob
                ? logs.contains { Self.matches(input, $0) }
                : !LogFiles(basePath: input, olddirs: olddirs).entries().isEmpty
            if !found {
                noticedMissing.insert(input)
                onNotice(
                    isGlob
                        ? "no file matches \(input) yet; waiting for one"
                        : "\(input) does not exist yet; waiting for it"
                )
            }
        }
        for set in sets {
            set.scan(
                resume: { fingerprint in
                    guard let point = self.resumePoints[fingerprint] else { return nil }
                    self.matchedResumePoints.insert(fingerprint)
                    return point
                },
                maximumLineBytes: options.maximumLineBytes
            )
        }
        publishStates()
    }

    /// The logs the inputs name now: literal paths as given, globs expanded. A glob's match is not a log of its own
    /// when it is compressed or a rotated file of another log (``RotatedName``): `logs/*.jsonl` matches
    /// `app-20261206.jsonl` under logrotate's `dateext` and `extension .jsonl`, and `logs/*` matches `app.jsonl.1.gz`.
    private func expandInputs() -> [String] {
        var result: [String] = []
        for input in inputs {
            guard Self.isGlob(input) else {
                if !result.contains(input) { result.append(input) }
                continue
            }
            let matches = Self.regularFiles(matching: input)
            let logs = matches + sets.map(\.basePath)
            for path in matches where !result.contains(path) && !Self.isRotatedFile(path, amongLogs: logs) {
                result.append(path)
            }
        }
        return result
    }

    /// The regular files `pattern` matches now, in glob order.
    private static func regularFiles(matching pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { index in
            guard let raw = matches.gl_pathv[index] else { return nil }
            let path = String(cString: raw)
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return path
        }
    }

    /// Whether `path` is compressed, numbered (`name.3`), or a rotated file of one of `logs` in its directory.
    static func isRotatedFile(_ path: String, amongLogs logs: [String]) -> Bool {
        let (directory, name) = POSIX.split(path)
        if RotatedName.isCompressedName(name) || isRotatedMember(path) { return true }
        return logs.contains { log in
            let (logDirectory, logName) = POSIX.split(log)
            return logDirectory == directory && RotatedName(name, of: logName) != nil
        }
    }

    /// Whether `input` is a glob pattern rather than a path.
    static func isGlob(_ input: String) -> Bool { input.contains(where: { "*?[".contains($0) }) }

    /// Whether `path` matches the glob `pattern`.
    static func matches(_ pattern: String, _ path: String) -> Bool {
        fnmatch(pattern, path, 0) == 0
    }

    /// `name.3`, `name.3.gz`: a rotated file, which its live log's set covers.
    static func isRotatedMember(_ path: String) -> Bool {
        var name = Substring(path)
        if name.hasSuffix(".gz") { name = name.dropLast(3) }
        guard let dot = name.lastIndex(of: ".") else { return false }
        let number = name[name.index(after: dot)...]
        return !number.isEmpty && number.allSatisfy(\.isASCII) && number.allSatisfy(\.isNumber)
    }

    private func state(of file: FollowedFile, in set: FollowedSet) -> FileState {
        FileState(
            log: set.basePath,
            fingerprint: file.fingerprint,
            path: file.path,
            device: file.device,
            inode: file.inode,
            isCompressed: file.isCompressed,
            size: file.knownSize,
            readOffset: file.consumedOffset,
            isFinished: file.isFinished,
            isPresent: set.isPresent(file),
            modified: file.modified,
            isLive: set.isLive(file)
        )
    }

    private func updateState(of file: FollowedFile, in set: FollowedSet) -> FileState {
        let state = state(of: file, in: set)
        monitor.withLock {
            if let index = states.firstIndex(where: { $0.fingerprint == state.fingerprint && $0.log == state.log }) {
                states[index] = state
            }
        }
        return state
    }

    private func publishStates() {
        let all = sets.flatMap { set in set.files.map { state(of: $0, in: set) } }
        monitor.withLock { states = all }
    }

}

/// Collects one stretch of a file into a ``LiveLogReader/Piece``: its selected events and where each ends.
private struct PieceBuilder {
    let path: String
    var events: [RuntimeEvent] = []
    var ends: [Int64] = []
    var lines: [Int] = []
    var hasLines = false
    /// The index of the last event, until the start of the next line tells where it ends.
    private var awaitingEnd: Int?

    init(file: FollowedFile) {
        path = file.path
    }

    mutating func take(
        _ line: LineSplitter.Line,
        checker: inout TailLineChecker,
        onBadLine: (BadLine) throws -> Void
    ) throws {
        hasLines = true
        let start: Int64
        switch line {
        case .line(_, _, let offset), .overlong(_, let offset): start = offset
        }
        if let waiting = awaitingEnd {
            ends[waiting] = start
            awaitingEnd = nil
        }
        var bad: [BadLine] = []
        if let event = checker.handle(line, source: path, badLines: &bad) {
            events.append(event.makeEvent())
            ends.append(-1)
            if case .line(_, let number, _) = line { lines.append(number) } else { lines.append(0) }
            awaitingEnd = events.count - 1
        }
        for line in bad { try onBadLine(line) }
    }

    func make(state: LiveLogReader.FileState, end: Int64, endLine: Int) -> LiveLogReader.Piece {
        var ends = self.ends
        if let waiting = awaitingEnd { ends[waiting] = end }
        return LiveLogReader.Piece(file: state, events: events, ends: ends, lines: lines, end: end, endLine: endLine)
    }
}
