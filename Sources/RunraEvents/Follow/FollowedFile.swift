#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One file of a followed log, known by its content (``fingerprint``), not its name: the same file
/// when it is renamed to `.1`, copied by `copytruncate`, or compressed to `.1.gz`.
///
/// While the file is not finished its descriptor stays open, so rotation can rename or delete it
/// without losing what was not read yet. Reading resumes at ``consumedOffset``: the end of the last
/// whole line handed out (decompressed bytes for gzip).
final class FollowedFile {
    let fingerprint: String
    /// The name it had when last seen.
    var path: String
    private(set) var device: UInt64
    private(set) var inode: UInt64
    private(set) var isCompressed: Bool
    private(set) var descriptor: Int32
    /// Lines before the resume point (from a checkpoint), so line numbers stay those of the file.
    private let lineBase: Int
    private var splitter: LineSplitter
    /// For gzip: the decompressing reader, and how many decompressed bytes to skip to reach the resume point.
    private var source: ByteSource?
    private var bytesToSkip: Int64
    /// Read to its end and closed: nothing more will come from it.
    private(set) var isFinished = false
    /// The number of the last scan that found it in its set (by descriptor or by content).
    var lastSeenScan = 0
    /// The number of the last scan that found the open file itself under one of the set's names.
    private(set) var lastHeldScan = 0
    /// Size in bytes when last looked at (for gzip: the decompressed size, once read to the end).
    private(set) var knownSize: Int64?
    /// Seconds since the epoch of the last modification when last looked at.
    private(set) var modified: Int64 = 0

    init(
        fingerprint: String,
        path: String,
        descriptor: Int32,
        info: stat,
        isCompressed: Bool,
        resumeOffset: Int64,
        resumeLine: Int,
        maximumLineBytes: Int
    ) {
        self.fingerprint = fingerprint
        self.path = path
        self.descriptor = descriptor
        self.device = UInt64(info.st_dev)
        self.inode = UInt64(info.st_ino)
        self.isCompressed = isCompressed
        self.lineBase = resumeLine
        self.splitter = LineSplitter(maximumLineBytes: maximumLineBytes, offset: resumeOffset)
        self.bytesToSkip = isCompressed ? resumeOffset : 0
        self.modified = Int64(info.st_mtim.tv_sec)
        if !isCompressed { knownSize = Int64(info.st_size) }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Where reading resumes without repeating a line.
    var consumedOffset: Int64 { splitter.consumedOffset }
    /// The line number of the last whole line handed out.
    var consumedLine: Int { lineBase + splitter.linesHandedOut }

    /// Whether the open descriptor is the file `info` describes.
    func holds(_ info: stat) -> Bool {
        descriptor >= 0 && UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    /// Notes what a scan saw of the file under `path`.
    func seen(at path: String, info: stat, scan: Int) {
        self.path = path
        lastSeenScan = scan
        lastHeldScan = scan
        modified = Int64(info.st_mtim.tv_sec)
        if !isCompressed { knownSize = Int64(info.st_size) }
    }

    /// For a plain file: whether it was truncated (as by `copytruncate`): it is now shorter than what was read,
    /// or its first line changed (truncated and written past the old size between two looks).
    var isTruncated: Bool {
        guard !isCompressed, descriptor >= 0 else { return false }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return false }
        if Int64(info.st_size) < splitter.offset { return true }
        return Self.fingerprint(of: descriptor, acceptsPartial: false).map { $0.fingerprint != fingerprint } ?? true
    }

    /// Whether the open plain file has not been written for `period`: a rotated file is kept open that long after it
    /// last grew, since a writer may still append to it (one that opened the log just before the rename, or holds
    /// it until a signal tells it to reopen).
    func isIdle(for period: Duration) -> Bool {
        guard descriptor >= 0 else { return true }
        var info = stat()
        var now = timespec()
        guard fstat(descriptor, &info) == 0, clock_gettime(CLOCK_REALTIME, &now) == 0 else { return true }
        let nanoseconds =
            (Int64(now.tv_sec) - Int64(info.st_mtim.tv_sec)) * 1_000_000_000 + Int64(now.tv_nsec)
            - Int64(info.st_mtim.tv_nsec)
        let (seconds, attoseconds) = period.components
        return nanoseconds >= seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// When a truncation was first seen and no copy of the file was found.
    private var copyMissingSince: ContinuousClock.Instant?

    /// Whether to look for the truncated file's copy again later: true until `period` has passed since the first
    /// look that found none.
    func keepsLookingForCopy(for period: Duration) -> Bool {
        let now = ContinuousClock.now
        guard let since = copyMissingSince else {
            copyMissingSince = now
            return true
        }
        return now - since < period
    }

    /// Continues in another file with the same content up to here (the copy `copytruncate` made, perhaps
    /// already compressed), at the same offset.
    func move(to descriptor: Int32, path: String, info: stat, isCompressed: Bool) {
        close(self.descriptor)
        self.descriptor = descriptor
        self.path = path
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        self.isCompressed = isCompressed
        source = nil
        copyMissingSince = nil
        if isCompressed {
            bytesToSkip = splitter.offset
            knownSize = nil
        } else {
            knownSize = Int64(info.st_size)
        }
    }

    /// Reads up to about `budget` new bytes into `buffer`, handing out each whole line (numbered as in the
    /// file). Returns how many bytes were read: 0 when there is nothing new for now (or, for gzip, at the end).
    func read(
        budget: Int,
        buffer: UnsafeMutableRawBufferPointer,
        _ onLine: (LineSplitter.Line) throws -> Void
    ) throws -> Int {
        guard !isFinished else { return 0 }
        let base = lineBase
        func numbered(_ line: LineSplitter.Line) throws { try onLine(Self.renumbered(line, after: base)) }
        var total = 0
        while total < budget {
            let count: Int
            if isCompressed {
                guard let read = try readCompressed(into: buffer) else { return total }
                count = read
                if count == 0 {
                    knownSize = splitter.offset
                    try finish(onLine)
                    return total
                }
                if bytesToSkip >= Int64(count) {
                    bytesToSkip -= Int64(count)
                    total += count
                    continue
                }
                let start = Int(bytesToSkip)
                bytesToSkip = 0
                try splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[start..<count]), numbered)
            } else {
                count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(splitter.offset))
                if count < 0 {
                    if errno == EINTR { continue }
                    throw RunraError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
                }
                if count == 0 { return total }
                try splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]), numbered)
            }
            total += count
        }
        return total
    }

    /// How long after its last modification a `.gz` that ends in the middle is taken as still being written
    /// (logrotate compresses to the final name) rather than damaged.
    static let compressionGrace: Duration = .seconds(5)

    /// Decompressed bytes from where reading stopped; `nil` when the `.gz` ends in the middle but was written
    /// within ``compressionGrace``: it is read again from here on the next look.
    private func readCompressed(into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        if source == nil { source = try ByteSource(path: Self.descriptorPath(descriptor)) }
        do {
            return try source!.read(into: buffer)
        } catch let error as RunraError where error.code == .truncatedInput && !isIdle(for: Self.compressionGrace) {
            source = nil
            bytesToSkip = splitter.offset
            return nil
        }
    }

    /// No more will come: an incomplete last line counts as a line (SPEC §3); then closes the file.
    func finish(_ onLine: (LineSplitter.Line) throws -> Void) throws {
        guard !isFinished else { return }
        let base = lineBase
        try splitter.finish { line in try onLine(Self.renumbered(line, after: base)) }
        if !isCompressed { knownSize = max(knownSize ?? 0, splitter.offset) }
        isFinished = true
        source = nil
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    /// `line` numbered as in the file: the splitter counts from the resume point, `base` lines after the start.
    private static func renumbered(_ line: LineSplitter.Line, after base: Int) -> LineSplitter.Line {
        switch line {
        case .line(let bytes, let number, let offset): .line(bytes, number: base + number, offset: offset)
        case .overlong(let number, let offset): .overlong(number: base + number, offset: offset)
        }
    }

    /// Gives up the file without reading further (its content moved elsewhere, or it was truncated).
    func abandon() {
        isFinished = true
        source = nil
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    /// A path that opens the file open on `descriptor` anew, even after it was deleted.
    static func descriptorPath(_ descriptor: Int32) -> String {
        #if os(Linux)
        return "/proc/self/fd/\(descriptor)"
        #else
        return "/dev/fd/\(descriptor)"
        #endif
    }

    /// How many leading bytes name a file (at most; the first line when it is shorter).
    static let fingerprintBytes = 4096

    /// The fingerprint of the file open on `descriptor`: its first line (through the newline), or its first
    /// ``fingerprintBytes`` bytes when that line is longer; decompressed for gzip. `nil` while the file is too
    /// young to have one (no whole first line yet), unless `acceptsPartial` (a rotated file will not grow; but a
    /// gzip file cut short before its first newline is taken as still being written).
    static func fingerprint(of descriptor: Int32, acceptsPartial: Bool) -> (fingerprint: String, isCompressed: Bool)? {
        var magic: (UInt8, UInt8) = (0, 0)
        let magicCount = withUnsafeMutableBytes(of: &magic) { pread(descriptor, $0.baseAddress, 2, 0) }
        let isCompressed = magicCount == 2 && magic == (0x1F, 0x8B)
        var head = [UInt8](repeating: 0, count: fingerprintBytes)
        var filled = 0
        var isCut = false
        if isCompressed {
            guard let source = try? ByteSource(path: descriptorPath(descriptor)) else { return nil }
            source.decodesInParallel = false
            while filled < head.count {
                guard
                    let count = head.withUnsafeMutableBytes({
                        try? source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
                    })
                else {
                    isCut = true
                    break
                }
                if count == 0 { break }
                filled += count
            }
        } else {
            while filled < head.count {
                let count = head.withUnsafeMutableBytes {
                    pread(descriptor, $0.baseAddress! + filled, $0.count - filled, off_t(filled))
                }
                if count <= 0 { break }
                filled += count
            }
        }
        if let newline = head[..<filled].firstIndex(of: 0x0A) {
            return (ContentFingerprint.of(head[...newline]), isCompressed)
        }
        // A `.gz` cut short is most likely still being written (logrotate compresses to the final name): its first
        // line may be longer than what can be decoded yet.
        guard filled == head.count || (acceptsPartial && filled > 0 && !isCut) else { return nil }
        return (ContentFingerprint.of(head[..<filled]), isCompressed)
    }
}
