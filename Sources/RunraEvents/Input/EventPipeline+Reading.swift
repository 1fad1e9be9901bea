#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The pipeline's reader thread: inputs into chunks that end at line boundaries.
extension EventPipeline.SharedState {
    typealias Chunk = EventPipeline.Chunk

    /// Where the reading of one input stands.
    struct InputRead: ~Copyable {
        let source: ByteSource
        let sourceIndex: Int
        /// The incomplete line carried into the next chunk.
        var carry: CarryBuffer
        /// Nothing was read yet (a UTF-8 BOM may come).
        var firstRead = true
        /// The bytes being read are the rest of a line over the limit, dropped.
        var skippingOverlong = false
        /// The error that ended the input.
        var endError: RunraError?
        var atEnd = false

        mutating func end(with error: any Error) {
            endError = error as? RunraError ?? RunraError(.io, "\(error)")
            atEnd = true
        }
    }

    /// What one buffer holds after filling.
    struct Fill {
        var count: Int
        /// A pipe or terminal had no more input for now.
        var endsBurst = false
        /// Lines of block-gzip members skipped right after these bytes.
        var skippedLines = 0
    }

    /// What a filled buffer becomes.
    enum Step {
        /// A chunk for the workers.
        case submit(Chunk)
        /// Nothing yet: read on.
        case readOn
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

    /// Reads one input into chunks that end at line boundaries; false when reading should stop.
    private func produce(path: String?, sourceIndex: Int) -> Bool {
        let source: ByteSource
        do {
            source = try open(path)
        } catch {
            let chunk = Chunk(sequence: 0, sourceIndex: sourceIndex, buffer: allocate(1), count: 0)
            chunk.error = error as? RunraError ?? RunraError(.io, "\(error)")
            return submit(chunk)
        }
        var input = InputRead(
            source: source,
            sourceIndex: sourceIndex,
            carry: CarryBuffer(capacity: options.chunkBytes)
        )
        while !input.atEnd {
            if input.carry.isEmpty && !input.firstRead && !input.skippingOverlong,
                let lent = takeDecodedMember(&input)
            {
                if !submit(lent) { return false }
                continue
            }
            switch nextChunk(&input) {
            case .submit(let chunk): if !submit(chunk) { return false }
            case .readOn: continue
            }
        }
        return true
    }

    private func open(_ path: String?) throws -> ByteSource {
        let source = try ByteSource(path: path)
        source.isCancelled = { [self] in monitor.withLock { stopped } }
        if options.since != nil || options.until != nil { source.skipsMember = { [options] in options.skips($0) } }
        return source
    }

    /// A decoded block-gzip member of whole lines, as a chunk as it is: no copy. A member whose last line goes on
    /// in the next one is carried instead, and so is `nil` returned, as when there is no member.
    private func takeDecodedMember(_ input: inout InputRead) -> Chunk? {
        do {
            guard let lent = try input.source.takeDecodedMember() else { return nil }
            let bytes = lent.buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            if lent.count > 0 && bytes[lent.count - 1] == 0x0A {
                let chunk = Chunk(sequence: 0, sourceIndex: input.sourceIndex, buffer: lent.buffer, count: lent.count)
                chunk.returnsBuffer = lent.giveBack
                chunk.endsBurst = input.source.isStreaming && !input.source.hasInputReady
                return chunk
            }
            // Its last line goes on in the next member: read on from a copy.
            input.carry.hold(lent.buffer.baseAddress!, byteCount: lent.count)
            lent.giveBack(lent.buffer)
        } catch {
            input.end(with: error)
        }
        return nil
    }

    /// Reads the next chunk: the line carried over from the last one, then new bytes up to the last line end.
    private func nextChunk(_ input: inout InputRead) -> Step {
        let carried = input.carry.count
        // Room for the carried line and at least `chunkBytes` more, so reading always progresses.
        let buffer = allocate(carried <= Self.slack ? options.chunkBytes + Self.slack : carried + options.chunkBytes)
        var fill = Fill(count: input.carry.move(into: buffer))
        self.fill(buffer, &fill, &input)
        if input.skippingOverlong && !dropOverlongRest(buffer, &fill.count, &input) {
            recycle(buffer)
            return .readOn
        }
        let count = fill.count
        // Cut after the last newline; the rest is carried to the next chunk. When the input
        // broke off (a truncated gzip), the incomplete last line is damage, not a line.
        var cut = count
        if !input.atEnd || input.endError != nil {
            cut = Self.endOfLastLine(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count)
        }
        if cut == 0 && !input.atEnd && fill.skippedLines == 0 {
            return carryWhole(buffer, count: count, &input)
        }
        let rest = count - cut
        if rest > 0 && !input.atEnd { input.carry.hold(buffer.baseAddress! + cut, byteCount: rest) }
        let chunk = Chunk(sequence: 0, sourceIndex: input.sourceIndex, buffer: buffer, count: cut)
        chunk.endsBurst = fill.endsBurst
        chunk.skippedLines = fill.skippedLines
        if input.atEnd, let endError = input.endError {
            var message = Self.prefixed(endError.message, with: input.source.name)
            if rest > 0 { message += "; its incomplete last line (\(rest) bytes) was dropped" }
            chunk.error = RunraError(endError.code, message)
        }
        return .submit(chunk)
    }

    /// Reads into `buffer` after its first `fill.count` bytes; from a pipe, stops early when the complete lines
    /// read so far are all the input there is for now.
    private func fill(_ buffer: UnsafeMutableRawBufferPointer, _ fill: inout Fill, _ input: inout InputRead) {
        let source = input.source
        while fill.count < buffer.count && !input.atEnd {
            let read: Int
            do {
                read = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[fill.count...]))
            } catch {
                input.end(with: error)
                return
            }
            if read == 0 {
                // Members skipped here end the chunk (it ends at a member's end, a line end).
                fill.skippedLines = source.takeSkippedLines()
                if fill.skippedLines == 0 { input.atEnd = true }
                return
            }
            let start = fill.count
            if input.firstRead {
                input.firstRead = false
                if read >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF {
                    let rest = read - 3
                    (buffer.baseAddress! + start).copyMemory(from: buffer.baseAddress! + start + 3, byteCount: rest)
                    fill.count += rest
                    continue
                }
            }
            fill.count += read
            // End the chunk where a block-gzip member ends, so that the next members can be lent whole.
            if buffer[fill.count - 1] == 0x0A && source.isAtDecodedMemberEnd { return }
            if source.isStreaming && memchr(buffer.baseAddress! + start, 0x0A, read) != nil && !source.hasInputReady {
                fill.endsBurst = true
                return
            }
        }
    }

    /// Drops the bytes up to the end of the over-long line being skipped. False when they are all of `buffer`'s
    /// `count` bytes and more may follow.
    private func dropOverlongRest(
        _ buffer: UnsafeMutableRawBufferPointer,
        _ count: inout Int,
        _ input: inout InputRead
    ) -> Bool {
        if let newline = LineRule.newline(
            in: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self),
            from: 0,
            to: count
        ) {
            let after = newline + 1
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + after, byteCount: count - after)
            count -= after
            input.skippingOverlong = false
        } else if input.atEnd {
            count = 0
        } else {
            return false
        }
        return true
    }

    /// No newline in the whole buffer: one line longer than the buffer. It is carried whole and read on, unless it
    /// is already over the limit and its bytes are not kept: then it is a bad line of its own, the rest skipped.
    private func carryWhole(_ buffer: UnsafeMutableRawBufferPointer, count: Int, _ input: inout InputRead) -> Step {
        if lineRule.outgrows(pending: count) && !options.keepsBadLines {
            let chunk = Chunk(sequence: 0, sourceIndex: input.sourceIndex, buffer: buffer, count: 0)
            chunk.isOverlongLine = true
            input.skippingOverlong = true
            return .submit(chunk)
        }
        input.carry.hold(buffer.baseAddress!, byteCount: count)
        recycle(buffer)
        return .readOn
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
}
