/// Reads inputs in chunks on one thread, scans and processes lines on several, and hands the
/// results back in input order on the caller's thread.
///
/// Memory is bounded by the chunks in flight (a few MiB), not by the input. Lines are split on
/// `\n`; a `\r` before it, a UTF-8 BOM at the start of an input, and blank lines are dropped.
struct EventPipeline<Processor: EventProcessor> {
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
                output,
                _,
                _ in try consume(output)
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
        let state = SharedState(
            options: options,
            sourceNames: paths.map { $0 == nil || $0 == "-" ? "(standard input)" : $0! }
        )
        let threadCount = max(1, options.scanThreads)
        let boxes = (0..<threadCount).map { _ in ProcessorBox(makeProcessor()) }
        let producer = WorkerThread { [paths] in state.produce(paths: paths) }
        let workers = boxes.map { box in
            WorkerThread { state.work(processor: &box.processor) }
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
                if let skipThrough, EventPosition(input: chunk.sourceIndex, line: bad.lineNumber) <= skipThrough {
                    continue
                }
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
        let lineRule: LineRule
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
            self.lineRule = LineRule(options: options)
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

        // MARK: Workers

        func work(processor: inout Processor) {
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
                let result = scan(chunk, processor: &processor)
                monitor.withLock {
                    done[chunk.sequence] = (chunk, result)
                    monitor.broadcast()
                }
            }
        }

        private func scan(_ chunk: Chunk, processor: inout Processor) -> WorkResult {
            let sourceName = sourceNames[chunk.sourceIndex]
            if chunk.isOverlongLine {
                chunk.lineCount = 1
                let bad = lineRule.badLine(nil, source: sourceName, number: 1, reason: lineRule.overlongReason)
                return WorkResult(output: nil, badLines: [bad], lines: 1, events: 0)
            }
            let base = UnsafePointer(chunk.buffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
            let count = chunk.count
            var badLines: [BadLine] = []
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
                let end = LineRule.newline(in: base, from: start, to: count) ?? count
                let line = LineRule.line(base, from: start, to: end)
                lineIndex += 1
                start = end + 1
                let verdict = lineRule.verdict(line) { line in
                    if let dataMembers { return JSONScanner.scan(line, into: &fields, recording: dataMembers) }
                    return JSONScanner.scan(line, into: &fields)
                }
                switch verdict {
                case .blank:
                    continue
                case .bad(let reason):
                    lines += 1
                    badLines.append(lineRule.badLine(line, source: sourceName, number: lineIndex, reason: reason))
                case .event:
                    lines += 1
                    events += 1
                    processor.process(
                        EventLine(bytes: line, fields: fields, dataMembers: dataMembers),
                        lineNumber: lineIndex
                    )
                }
            }
            chunk.lineCount = lineIndex
            return WorkResult(output: processor.finishChunk(), badLines: badLines, lines: lines, events: events)
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
                if let returnsBuffer = chunk.returnsBuffer {
                    returnsBuffer(chunk.buffer)
                } else {
                    recycle(chunk.buffer)
                }
                chunk.buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
            }
            return taken
        }
    }
}
