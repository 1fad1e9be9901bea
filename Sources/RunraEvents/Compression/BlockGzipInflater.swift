/// Decompresses block gzip (``BlockGzip``) on several threads: the members' headers give their sizes, so the
/// reading thread cuts the raw input into members and worker threads inflate them side by side; the bytes come out
/// in order.
///
/// It handles only what it can check: a member whose header is not a block-gzip data member (the trailer, a foreign
/// member), that is larger than ``maximumMemberBytes``, or whose data does not decode to exactly the size its
/// header gives, ends the parallel part. ``ByteSource`` then reads on from that member's first byte with its
/// sequential ``Inflater``, so such input reads, and fails, exactly as it would without this class.
///
/// With ``shouldSkip`` set (regular files only), members it accepts are passed over unread; the lines skipped after
/// the bytes of a ``read(into:)`` are then in ``takeSkippedLines()``.
final class BlockGzipInflater {
    /// Members with more uncompressed bytes than this are left to the sequential reader (memory bound).
    static let maximumMemberBytes = 64 << 20

    /// Where the sequential reader goes on, once ``read(into:)`` has returned 0.
    enum HandOver {
        /// Raw bytes not yet decoded (from the member where parallel reading stopped); more may follow in the input.
        case bytes([UInt8])
        /// The file offset to read on from (the data before it was handed out or skipped).
        case offset(Int64)
    }

    /// Members for which this returns true are skipped: see ``takeSkippedLines()``.
    var shouldSkip: ((BlockGzip.Member) -> Bool)?

    private final class Job {
        let member: BlockGzip.Member
        let offset: Int64
        var input: [UInt8]
        /// The decoded bytes (from ``BlockGzipInflater``'s pool, given back when the job is read).
        var output: UnsafeMutableRawBufferPointer?
        var isDone = false
        var failed = false
        let isSkipped: Bool

        init(member: BlockGzip.Member, offset: Int64, input: [UInt8], isSkipped: Bool) {
            self.member = member
            self.offset = offset
            self.input = input
            self.isSkipped = isSkipped
            self.isDone = isSkipped
        }

    }

    private let readRaw: (UnsafeMutableRawBufferPointer) throws -> Int
    private let seekRaw: ((Int64) throws -> Void)?
    private let monitor = Monitor()
    private var workers: [WorkerThread] = []
    /// Jobs not yet handed out, oldest first; `waiting` are those no worker has taken.
    private var queue: [Job] = []
    private var waiting: [Job] = []
    private var stopping = false
    private let maximumInFlight: Int

    /// Raw input read but not yet cut into members: `staging[stagingStart...]`.
    private var staging: [UInt8]
    private var stagingStart = 0
    /// The raw input's offset of `staging[stagingStart]`.
    private var rawOffset: Int64 = 0
    private var rawEnded = false
    /// Set when the next raw bytes are not a member this class decodes: no more jobs are made.
    private var cuttingStopped = false

    /// Output buffers no job holds, reused: a fresh megabyte per member costs page faults.
    private var freeOutputs: [UnsafeMutableRawBufferPointer] = []
    private var current: Job?
    private var currentPosition = 0
    /// Lines of the members skipped since the last ``takeSkippedLines()``.
    private var skippedLines = 0
    private(set) var handOver: HandOver?

    /// `initial` holds the input's first bytes (already read); `readRaw` reads more; `seekRaw`, for regular files,
    /// moves the input to an offset (used to skip members and to hand over). `threads` workers decode.
    init(
        initial: UnsafeRawBufferPointer,
        threads: Int,
        readRaw: @escaping (UnsafeMutableRawBufferPointer) throws -> Int,
        seekRaw: ((Int64) throws -> Void)?
    ) {
        self.readRaw = readRaw
        self.seekRaw = seekRaw
        staging = Array(initial)
        maximumInFlight = max(2, threads * 2 + 1)
        workers = (0..<max(1, threads)).map { _ in WorkerThread { [self] in work() } }
    }

    /// Stops the workers. Call when done (``ByteSource`` does when it hands over or closes).
    func close() {
        monitor.withLock {
            stopping = true
            monitor.broadcast()
        }
        for worker in workers { worker.join() }
        workers = []
    }

    deinit {
        close()
        if let output = current?.output { output.deallocate() }
        for job in queue { job.output?.deallocate() }
        for output in freeOutputs { output.deallocate() }
    }

    /// Whether decoded bytes are waiting to be read.
    var hasOutputReady: Bool {
        if let current, currentPosition < current.member.uncompressedSize { return true }
        return monitor.withLock { queue.first?.isDone ?? false }
    }

    /// The lines of the members skipped since the last call, which come after the bytes the last
    /// ``read(into:)`` returned.
    func takeSkippedLines() -> Int {
        defer { skippedLines = 0 }
        return skippedLines
    }

    /// Fills `buffer` with decoded bytes, in input order. Returns 0 at a skip (``takeSkippedLines()`` is then not
    /// 0; call again to go on after it) and when the parallel part is over (``handOver`` then says where the
    /// sequential reader goes on).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            if let current, let output = current.output, currentPosition < current.member.uncompressedSize {
                let count = min(buffer.count, current.member.uncompressedSize - currentPosition)
                buffer.baseAddress!.copyMemory(from: output.baseAddress! + currentPosition, byteCount: count)
                currentPosition += count
                return count
            }
            if let done = current?.output {
                current?.output = nil
                monitor.withLock { freeOutputs.append(done) }
            }
            current = nil
            if handOver != nil { return 0 }
            try makeJobs()
            let head: Job? = monitor.withLock {
                guard let head = queue.first else { return nil }
                if head.isSkipped || skippedLines == 0 { monitor.wait { head.isDone } } else { return nil }
                queue.removeFirst()
                monitor.broadcast()
                return head
            }
            guard let head else {
                // A skip ends here (the next member is read in the next call), or the parallel part is over.
                if skippedLines > 0 { return 0 }
                try stop(at: nil)
                return 0
            }
            if head.failed {
                try stop(at: head)
                return 0
            }
            if head.isSkipped {
                skippedLines += head.member.lineCount
                continue
            }
            current = head
            currentPosition = 0
        }
    }

    /// Whether the bytes read so far end where a member ends (nothing of a decoded member is left to read).
    var isAtMemberEnd: Bool {
        current.map { currentPosition >= $0.member.uncompressedSize } ?? true
    }

    /// The next member's decoded bytes, handed over whole, without a copy: `buffer[..<count]`. The caller owns
    /// `buffer`; ``giveBack(_:)`` lets later members reuse it. `nil` when the next bytes are not a whole decoded
    /// member (part of one was read, members may be skipped, or the parallel part is over or failed): then
    /// ``read(into:)`` goes on as before.
    func takeMember() throws -> (buffer: UnsafeMutableRawBufferPointer, count: Int)? {
        guard shouldSkip == nil, handOver == nil, isAtMemberEnd else { return nil }
        if let done = current?.output {
            current?.output = nil
            giveBack(done)
        }
        current = nil
        try makeJobs()
        let head: Job? = monitor.withLock {
            guard let head = queue.first else { return nil }
            monitor.wait { head.isDone }
            guard !head.failed, !head.isSkipped, head.output != nil else { return nil }
            queue.removeFirst()
            monitor.broadcast()
            return head
        }
        guard let head, let output = head.output else { return nil }
        head.output = nil
        return (output, head.member.uncompressedSize)
    }

    /// Takes back a buffer ``takeMember()`` handed out, for later members (any thread).
    func giveBack(_ buffer: UnsafeMutableRawBufferPointer) {
        monitor.withLock { freeOutputs.append(buffer) }
    }

    // MARK: Cutting the raw input into members

    /// Reads raw input and queues members until enough are in flight or the parallel part cannot go on.
    private func makeJobs() throws {
        while !cuttingStopped && monitor.withLock({ queue.count < maximumInFlight }) {
            guard try fillStaging(atLeast: BlockGzip.memberHeaderSize) else {
                cuttingStopped = true
                return
            }
            let member = staging.withUnsafeBytes {
                BlockGzip.parseMemberHeader(UnsafeRawBufferPointer(rebasing: $0[stagingStart...]))
            }
            guard let member, member.uncompressedSize <= Self.maximumMemberBytes else {
                cuttingStopped = true
                return
            }
            let offset = rawOffset
            if let seekRaw, let shouldSkip, shouldSkip(member) {
                let buffered = staging.count - stagingStart
                if buffered >= member.size {
                    stagingStart += member.size
                } else {
                    try seekRaw(offset + Int64(member.size))
                    staging.removeAll(keepingCapacity: true)
                    stagingStart = 0
                }
                rawOffset += Int64(member.size)
                enqueue(Job(member: member, offset: offset, input: [], isSkipped: true))
                continue
            }
            guard try fillStaging(atLeast: member.size) else {
                // The input ends inside this member: the sequential reader reports it.
                cuttingStopped = true
                return
            }
            let input = Array(staging[stagingStart..<(stagingStart + member.size)])
            stagingStart += member.size
            rawOffset += Int64(member.size)
            enqueue(Job(member: member, offset: offset, input: input, isSkipped: false))
        }
    }

    private func enqueue(_ job: Job) {
        monitor.withLock {
            queue.append(job)
            if !job.isSkipped { waiting.append(job) }
            monitor.broadcast()
        }
    }

    /// Makes `staging[stagingStart...]` hold at least `count` bytes; false when the input ends first.
    private func fillStaging(atLeast count: Int) throws -> Bool {
        if staging.count - stagingStart >= count { return true }
        if stagingStart > 0 {
            staging.removeFirst(stagingStart)
            stagingStart = 0
        }
        // Reading ahead pays, except when members may be skipped: then their headers are read alone.
        let readAhead = shouldSkip == nil || seekRaw == nil ? 256 * 1024 : 0
        while staging.count < count && !rawEnded {
            let wanted = max(count - staging.count, readAhead)
            let before = staging.count
            var read = 0
            staging.append(contentsOf: repeatElement(0, count: wanted))
            try staging.withUnsafeMutableBytes {
                read = try readRaw(UnsafeMutableRawBufferPointer(rebasing: $0[before...]))
            }
            staging.removeLast(wanted - read)
            if read == 0 { rawEnded = true }
        }
        return staging.count >= count
    }

    /// Ends the parallel part at `job` (or after everything, when `nil`) and says where to go on.
    private func stop(at job: Job?) throws {
        let later: [Job] = monitor.withLock {
            stopping = true
            monitor.broadcast()
            defer { queue.removeAll() }
            return queue
        }
        close()
        for job in later { if let output = job.output { freeOutputs.append(output) } }
        if let seekRaw {
            let offset = job?.offset ?? rawOffset
            try seekRaw(offset)
            handOver = .offset(offset)
            return
        }
        var bytes = job?.input ?? []
        for next in later { bytes += next.input }
        bytes += staging[stagingStart...]
        handOver = .bytes(bytes)
    }

    // MARK: Workers

    private func work() {
        var inflater = try? Inflater()
        while true {
            let job: Job? = monitor.withLock {
                monitor.wait { stopping || !waiting.isEmpty }
                return stopping ? nil : waiting.removeFirst()
            }
            guard let job else { return }
            if inflater == nil { inflater = try? Inflater() }
            let ok = inflater.map { decode(job, with: $0) } ?? false
            if !ok { inflater = nil }
            monitor.withLock {
                job.failed = !ok
                job.isDone = true
                // A file hands over by offset: the raw bytes are no longer needed.
                if ok && seekRaw != nil { job.input = [] }
                monitor.broadcast()
            }
        }
    }

    /// A pooled buffer of at least `byteCount` bytes, or a new one.
    private func takeOutput(byteCount: Int) -> UnsafeMutableRawBufferPointer {
        let reused: UnsafeMutableRawBufferPointer? = monitor.withLock {
            guard let index = freeOutputs.firstIndex(where: { $0.count >= byteCount }) else { return nil }
            return freeOutputs.remove(at: index)
        }
        if let reused { return reused }
        // Room for members a little larger than this one, so that buffers fit the next ones too.
        return .allocate(byteCount: max(byteCount, BlockGzip.targetMemberBytes + 64 * 1024), alignment: 64)
    }

    /// Inflates `job` into a buffer of its uncompressed size; true when the member decoded to exactly that.
    private func decode(_ job: Job, with inflater: Inflater) -> Bool {
        let expected = job.member.uncompressedSize
        // One byte more than expected, to notice a member that holds more than its header says.
        let output = takeOutput(byteCount: expected + 1)
        var consumed = 0
        var produced = 0
        let ok = job.input.withUnsafeBytes { input -> Bool in
            while true {
                guard
                    let (used, made) = try? inflater.inflate(
                        input: UnsafeRawBufferPointer(rebasing: input[consumed...]),
                        output: UnsafeMutableRawBufferPointer(rebasing: output[produced...])
                    )
                else { return false }
                consumed += used
                produced += made
                if used == 0 && made == 0 { break }
                if produced > expected { return false }
            }
            return consumed == input.count && produced == expected && inflater.isAtMemberBoundary
        }
        if ok { job.output = output } else { monitor.withLock { freeOutputs.append(output) } }
        return ok
    }
}
