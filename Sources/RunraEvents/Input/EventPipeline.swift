#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads inputs in chunks on one thread, scans and processes lines on several, and hands the
/// results back in input order on the caller's thread.
///
/// Memory is bounded by the chunks in flight (a few MiB), not by the input. Lines are split on
/// `\n`; a `\r` before it, a UTF-8 BOM at the start of an input, and blank lines are dropped.
struct EventPipeline<Processor: EventProcessor> {
    /// One chunk's results, in input order.
    struct ChunkResult {
        var output: Processor.Output
        var badLines: [BadLine]
        var lines: Int
        var events: Int
    }

    let paths: [String?]
    let options: ReadOptions

    /// Runs the pipeline. `consume` returns `false` to stop reading early (e.g. `--limit`).
    /// `onBadLine` is called in input order and may throw to stop (`--strict`). `onInputIdle` is called after
    /// the last complete lines that a pipe or terminal had for now were consumed (flush output there, so that
    /// `tail -f log | runra-events filter` shows events as they come).
    func run(
        makeProcessor: () -> Processor,
        onBadLine: (BadLine) throws -> Void,
        onInputIdle: () throws -> Void = {},
        consume: (Processor.Output) throws -> Bool
    ) throws -> ReadSummary {
        try withoutActuallyEscaping(consume) { consume in
            try runPositioned(makeProcessor: makeProcessor, onBadLine: onBadLine, onInputIdle: onInputIdle) {
                output, _, _ in try consume(output)
            }
        }
    }

    /// ``run(makeProcessor:onBadLine:consume:)``, where `consume` also gets the chunk's input index and the number of
    /// lines of that input before the chunk (add it to the chunk-relative line numbers the processor saw).
    /// Bad lines at or before `skipThrough` are not reported (a resumed replay read them before).
    func runPositioned(
        makeProcessor: () -> Processor,
        onBadLine: (BadLine) throws -> Void,
        onInputIdle: () throws -> Void = {},
        skipThrough: EventPosition? = nil,
        consume: (Processor.Output, _ sourceIndex: Int, _ lineBase: Int) throws -> Bool
    ) throws -> ReadSummary {
        let state = SharedState(options: options, sourceNames: paths.map { $0 == nil || $0 == "-" ? "(standard input)" : $0! })
        let threadCount = max(1, options.scanThreads)
        let boxes = (0..<threadCount).map { _ in ProcessorBox(makeProcessor()) }
        let producer = WorkerThread { [paths] in state.produce(paths: paths) }
        let workers = boxes.map { box in
            WorkerThread { [options] in state.work(processor: &box.processor, options: options) }
        }
        defer {
            state.stop()
            producer.join()
            for worker in workers { worker.join() }
        }
        var summary = ReadSummary()
        var next = 0
        var lineBase = 0
        var currentSource = -1
        var bytesRead = 0
        while let (chunk, result) = state.takeResult(sequence: next) {
            next += 1
            if chunk.sourceIndex != currentSource {
                currentSource = chunk.sourceIndex
                lineBase = 0
            }
            for var bad in result.badLines {
                bad.lineNumber += lineBase
                if let skipThrough, EventPosition(input: chunk.sourceIndex, line: bad.lineNumber) <= skipThrough { continue }
                summary.badLines += 1
                try onBadLine(bad)
            }
            summary.lines += result.lines + chunk.skippedLines
            summary.events += result.events + chunk.skippedLines
            let base = lineBase
            lineBase += chunk.lineCount + chunk.skippedLines
            if let output = result.output {
                if try !consume(output, chunk.sourceIndex, base) { break }
            }
            if let error = chunk.error { summary.inputErrors.append(error) }
            if let onProgress = options.onProgress {
                bytesRead += chunk.count
                onProgress(bytesRead, summary.events)
            }
            if chunk.endsBurst { try onInputIdle() }
        }
        return summary
    }

    // MARK: - Shared state between the threads

    /// Each scanning thread's processor, touched only by that thread.
    final class ProcessorBox: @unchecked Sendable {
        var processor: Processor
        init(_ processor: Processor) { self.processor = processor }
    }

    final class Chunk {
        var sequence: Int
        let sourceIndex: Int
        var buffer: UnsafeMutableRawBufferPointer
        var count: Int
        /// The chunk is one line longer than the limit (its bytes are kept only when asked).
        var isOverlongLine = false
        /// Set by the worker: how many lines (blank ones included) the chunk had.
        var lineCount = 0
        /// An error that ended this source after this chunk.
        var error: RunraError?
        /// The chunk was cut early because a pipe or terminal had no more input for now.
        var endsBurst = false
        /// Lines of block-gzip members skipped right after this chunk (events outside `--since`/`--until`).
        var skippedLines = 0
        /// Where `buffer` goes when the chunk is done, when it is not the pipeline's (a decoded member, lent).
        var returnsBuffer: ((UnsafeMutableRawBufferPointer) -> Void)?

        init(sequence: Int, sourceIndex: Int, buffer: UnsafeMutableRawBufferPointer, count: Int) {
            self.sequence = sequence
            self.sourceIndex = sourceIndex
            self.buffer = buffer
            self.count = count
        }
    }

    struct WorkResult {
        var output: Processor.Output?
        var badLines: [BadLine]
        var lines: Int
        var events: Int
    }

    final class SharedState: @unchecked Sendable {
        let monitor = Monitor()
        let options: ReadOptions
        let sourceNames: [String]
        var pending: [Chunk] = []
        var pendingHead = 0
        var done: [Int: (Chunk, WorkResult)] = [:]
        var producedAll = false
        var stopped = false
        var nextSequence = 0
        var consumedSequence = 0
        var freeBuffers: [UnsafeMutableRawBufferPointer] = []
        let maximumInFlight: Int

        init(options: ReadOptions, sourceNames: [String]) {
            self.options = options
            self.sourceNames = sourceNames
            self.maximumInFlight = max(4, options.scanThreads * 3)
        }

        deinit {
            for buffer in freeBuffers { buffer.deallocate() }
            for chunk in pending[pendingHead...] { chunk.buffer.deallocate() }
            for (chunk, _) in done.values { chunk.buffer.deallocate() }
        }

        func stop() {
            monitor.withLock {
                stopped = true
                monitor.broadcast()
            }
        }

        // MARK: Producer

        /// Pooled buffers have this much room beyond `chunkBytes` for a line carried over.
        static var slack: Int { 64 * 1024 }

        func allocate(_ size: Int) -> UnsafeMutableRawBufferPointer {
            monitor.withLock {
                if size == options.chunkBytes + Self.slack, let buffer = freeBuffers.popLast() { return buffer }
                return .allocate(byteCount: size, alignment: 64)
            }
        }

        func recycle(_ buffer: UnsafeMutableRawBufferPointer) {
            monitor.withLock {
                if buffer.count == options.chunkBytes + Self.slack && freeBuffers.count < maximumInFlight + 2 {
                    freeBuffers.append(buffer)
                } else {
                    buffer.deallocate()
                }
            }
        }

        /// Hands `chunk` to the workers; returns false when reading should stop.
        func submit(_ chunk: Chunk) -> Bool {
            monitor.withLock {
                monitor.wait { stopped || nextSequence - consumedSequence < maximumInFlight }
                if stopped {
                    chunk.buffer.deallocate()
                    return false
                }
                chunk.sequence = nextSequence
                pending.append(chunk)
                nextSequence += 1
                monitor.broadcast()
                return true
            }
        }

        func produce(paths: [String?]) {
            defer {
                monitor.withLock {
                    producedAll = true
                    monitor.broadcast()
                }
            }
            for (index, path) in paths.enumerated() {
                if !produce(path: path, sourceIndex: index) { return }
            }
        }

        private func sequenceNumber() -> Int {
            monitor.withLock { nextSequence }
        }

        /// Reads one input into chunks that end at line boundaries.
        private func produce(path: String?, sourceIndex: Int) -> Bool {
            let chunkBytes = options.chunkBytes
            let source: ByteSource
            do {
                source = try ByteSource(path: path)
                source.isCancelled = { [self] in monitor.withLock { stopped } }
                if options.since != nil || options.until != nil { source.skipsMember = { [options] in options.skips($0) } }
            } catch {
                let chunk = Chunk(sequence: 0, sourceIndex: sourceIndex, buffer: allocate(1), count: 0)
                chunk.error = error as? RunraError ?? RunraError(.io, "\(error)")
                return submit(chunk)
            }
            var carry = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 64)
            var carryCount = 0
            defer { carry.deallocate() }
            var firstRead = true
            var skippingOverlong = false
            var endError: RunraError?
            var atEnd = false
            while !atEnd {
                if carryCount == 0 && !firstRead && !skippingOverlong {
                    // A decoded block-gzip member of whole lines is a chunk as it is: no copy.
                    do {
                        if let lent = try source.takeDecodedMember() {
                            let bytes = lent.buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                            if lent.count > 0 && bytes[lent.count - 1] == 0x0A {
                                let chunk = Chunk(sequence: 0, sourceIndex: sourceIndex, buffer: lent.buffer, count: lent.count)
                                chunk.returnsBuffer = lent.giveBack
                                chunk.endsBurst = source.isStreaming && !source.hasInputReady
                                if !submit(chunk) { return false }
                                continue
                            }
                            // Its last line goes on in the next member: read on from a copy.
                            if carry.count < lent.count {
                                carry.deallocate()
                                carry = .allocate(byteCount: lent.count * 2, alignment: 64)
                            }
                            carry.baseAddress!.copyMemory(from: lent.buffer.baseAddress!, byteCount: lent.count)
                            carryCount = lent.count
                            lent.giveBack(lent.buffer)
                        }
                    } catch {
                        endError = error as? RunraError ?? RunraError(.io, "\(error)")
                        atEnd = true
                    }
                }
                // Start a chunk with the incomplete line carried over from the last one.
                // Room for the carried line and at least `chunkBytes` more, so reading always progresses.
                let buffer = allocate(carryCount <= Self.slack ? chunkBytes + Self.slack : carryCount + chunkBytes)
                if carryCount > 0 { buffer.baseAddress!.copyMemory(from: carry.baseAddress!, byteCount: carryCount) }
                var count = carryCount
                carryCount = 0
                var endsBurst = false
                var skippedLines = 0
                // Fill it; from a pipe, stop early when the complete lines read so far are all there is for now.
                while count < buffer.count && !atEnd {
                    let read: Int
                    do {
                        read = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
                    } catch {
                        endError = error as? RunraError ?? RunraError(.io, "\(error)")
                        atEnd = true
                        break
                    }
                    if read == 0 {
                        // Members skipped here end the chunk (it ends at a member's end, a line end).
                        skippedLines = source.takeSkippedLines()
                        if skippedLines == 0 { atEnd = true }
                        break
                    }
                    if firstRead {
                        firstRead = false
                        if read >= 3, buffer[count] == 0xEF, buffer[count + 1] == 0xBB, buffer[count + 2] == 0xBF {
                            let rest = read - 3
                            (buffer.baseAddress! + count).copyMemory(from: buffer.baseAddress! + count + 3, byteCount: rest)
                            count += rest
                            continue
                        }
                    }
                    count += read
                    // End the chunk where a block-gzip member ends, so that the next members can be lent whole.
                    if buffer[count - 1] == 0x0A && source.isAtDecodedMemberEnd { break }
                    if source.isStreaming && memchr(buffer.baseAddress! + count - read, 0x0A, read) != nil
                        && !source.hasInputReady
                    {
                        endsBurst = true
                        break
                    }
                }
                let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                if skippingOverlong {
                    // Drop bytes up to the end of the over-long line.
                    if let newline = memchr(bytes, 0x0A, count) {
                        let after = bytes.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
                        (buffer.baseAddress!).copyMemory(from: buffer.baseAddress! + after, byteCount: count - after)
                        count -= after
                        skippingOverlong = false
                    } else if atEnd {
                        count = 0
                    } else {
                        recycle(buffer)
                        continue
                    }
                }
                // Cut after the last newline; the rest is carried to the next chunk. When the input
                // broke off (a truncated gzip), the incomplete last line is damage, not a line.
                var cut = count
                if !atEnd || endError != nil {
                    cut = Self.endOfLastLine(bytes, count)
                }
                if cut == 0 && !atEnd && skippedLines == 0 {
                    // No newline in the whole buffer: one line longer than the buffer.
                    if count > options.maximumLineBytes + 1 {
                        if options.keepsBadLines {
                            carry.deallocate()
                            carry = .allocate(byteCount: count * 2, alignment: 64)
                            carry.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: count)
                            carryCount = count
                            recycle(buffer)
                            continue
                        }
                        let chunk = Chunk(sequence: 0, sourceIndex: sourceIndex, buffer: buffer, count: 0)
                        chunk.isOverlongLine = true
                        if !submit(chunk) { return false }
                        skippingOverlong = true
                        continue
                    }
                    // Grow: carry everything and read more.
                    if carry.count < count {
                        carry.deallocate()
                        carry = .allocate(byteCount: count * 2, alignment: 64)
                    }
                    carry.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: count)
                    carryCount = count
                    recycle(buffer)
                    continue
                }
                let rest = count - cut
                if rest > 0 && !atEnd {
                    if carry.count < rest {
                        carry.deallocate()
                        carry = .allocate(byteCount: rest * 2, alignment: 64)
                    }
                    carry.baseAddress!.copyMemory(from: buffer.baseAddress! + cut, byteCount: rest)
                    carryCount = rest
                }
                let chunk = Chunk(sequence: 0, sourceIndex: sourceIndex, buffer: buffer, count: cut)
                chunk.endsBurst = endsBurst
                chunk.skippedLines = skippedLines
                if atEnd {
                    if let endError {
                        var message = Self.prefixed(endError.message, with: source.name)
                        if rest > 0 { message += "; its incomplete last line (\(rest) bytes) was dropped" }
                        chunk.error = RunraError(endError.code, message)
                    }
                }
                if !submit(chunk) { return false }
            }
            return true
        }

        /// The position after the last newline in `bytes[0..<count]`, or 0 when there is none.
        static func endOfLastLine(_ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
            var position = count
            while position > 0 {
                if bytes[position - 1] == 0x0A { return position }
                position -= 1
            }
            return 0
        }

        static func prefixed(_ message: String, with name: String) -> String {
            message.hasPrefix(name) ? message : "\(name): \(message)"
        }

        // MARK: Workers

        func work(processor: inout Processor, options: ReadOptions) {
            while true {
                let chunk: Chunk? = monitor.withLock {
                    monitor.wait { stopped || pendingHead < pending.count || producedAll }
                    if stopped || pendingHead == pending.count { return nil }
                    let chunk = pending[pendingHead]
                    pendingHead += 1
                    if pendingHead > 64 {
                        pending.removeFirst(pendingHead)
                        pendingHead = 0
                    }
                    return chunk
                }
                guard let chunk else { return }
                let result = scan(chunk, processor: &processor, options: options)
                monitor.withLock {
                    done[chunk.sequence] = (chunk, result)
                    monitor.broadcast()
                }
            }
        }

        private func scan(_ chunk: Chunk, processor: inout Processor, options: ReadOptions) -> WorkResult {
            let sourceName = sourceNames[chunk.sourceIndex]
            var badLines: [BadLine] = []
            if chunk.isOverlongLine {
                chunk.lineCount = 1
                let reason = "line longer than \(options.maximumLineBytes) bytes (see --max-line-bytes)"
                badLines.append(BadLine(source: sourceName, lineNumber: 1, reason: reason, line: nil))
                return WorkResult(output: nil, badLines: badLines, lines: 1, events: 0)
            }
            let base = chunk.buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let count = chunk.count
            var start = 0
            var lineIndex = 0
            var lines = 0
            var events = 0
            var fields = EventFields()
            // The members of `data` the processor reads are recorded by the scan, so it need not walk `data` again.
            let dataKeys = processor.dataMemberKeys
            let record = UnsafeMutablePointer<DataMemberRecord>.allocate(capacity: 1)
            record.initialize(to: DataMemberRecord())
            defer {
                record.deallocate()
                withExtendedLifetime(dataKeys) {}
            }
            let dataMembers = dataKeys?.recording(into: record)
            while start < count {
                let end: Int
                if let newline = memchr(base + start, 0x0A, count - start) {
                    end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                } else {
                    end = count
                }
                var lineEnd = end
                if lineEnd > start && base[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = UnsafeBufferPointer(start: base + start, count: lineEnd - start)
                lineIndex += 1
                start = end + 1
                if line.isEmpty || ((line[0] == 0x20 || line[0] == 0x09) && Self.isBlank(line)) { continue }
                lines += 1
                if line.count > options.maximumLineBytes {
                    let reason = "line longer than \(options.maximumLineBytes) bytes (see --max-line-bytes)"
                    badLines.append(
                        BadLine(source: sourceName, lineNumber: lineIndex, reason: reason, line: options.keepsBadLines ? Array(line) : nil)
                    )
                    continue
                }
                let failure: JSONScanner.Failure?
                if let dataMembers {
                    failure = JSONScanner.scan(line, into: &fields, recording: dataMembers)
                } else {
                    failure = JSONScanner.scan(line, into: &fields)
                }
                if let failure {
                    badLines.append(
                        BadLine(source: sourceName, lineNumber: lineIndex, reason: failure.reason, line: options.keepsBadLines ? Array(line) : nil)
                    )
                    continue
                }
                events += 1
                processor.process(EventLine(bytes: line, fields: fields, dataMembers: dataMembers), lineNumber: lineIndex)
            }
            chunk.lineCount = lineIndex
            return WorkResult(output: processor.finishChunk(), badLines: badLines, lines: lines, events: events)
        }

        private static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
            line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        }

        // MARK: Consumer

        /// Waits for the chunk with sequence number `sequence`; `nil` when there are no more.
        func takeResult(sequence: Int) -> (Chunk, WorkResult)? {
            let taken: (Chunk, WorkResult)? = monitor.withLock {
                monitor.wait { stopped || done[sequence] != nil || (producedAll && sequence >= nextSequence) }
                guard let entry = done.removeValue(forKey: sequence) else { return nil }
                consumedSequence = sequence + 1
                monitor.broadcast()
                return entry
            }
            if let (chunk, _) = taken {
                if let returnsBuffer = chunk.returnsBuffer { returnsBuffer(chunk.buffer) } else { recycle(chunk.buffer) }
                chunk.buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
            }
            return taken
        }
    }
}
