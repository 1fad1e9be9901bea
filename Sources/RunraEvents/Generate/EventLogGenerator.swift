/// Writes a realistic synthetic Runra event log (SPEC §4 `generate`): the 22 event types,
/// sandboxes with a life cycle grouped into runs, nested payloads, unicode and escaped strings,
/// long-tailed durations, about 10% failing commands, and increasing millisecond timestamps
/// from 2026-06-15T10:30:00.000Z (or another start).
///
/// The output is the same bytes for the same seed, on every platform. A generator continues
/// its sequence across calls.
///
/// ```swift
/// let generator = EventLogGenerator(seed: 7)
/// let summary = try generator.write(.events(100_000), to: ByteWriter(fileDescriptor: 1))
/// ```
public final class EventLogGenerator {
    /// When to stop.
    public enum Limit: Sendable, Equatable {
        /// After this many events.
        case events(Int)
        /// After the line that makes the (uncompressed) output reach this many bytes.
        case bytes(Int)
    }

    /// What a ``write(_:gzip:to:)`` produced.
    public struct Summary: Sendable, Equatable {
        /// The number of events (lines).
        public var events: Int
        /// The number of uncompressed bytes.
        public var bytes: Int
    }

    private var synthesizer: EventSynthesizer

    /// A generator whose output is determined by `seed`, its first timestamp `start` (to the millisecond;
    /// 2026-06-15T10:30:00.000Z when `nil`).
    public init(seed: UInt64, start: Timestamp? = nil) {
        let milliseconds = start.map { $0.nanosecondsSinceEpoch / 1_000_000 } ?? GeneratorClock.startMilliseconds
        synthesizer = EventSynthesizer(seed: seed, startMilliseconds: milliseconds)
    }

    /// Writes events to `output` until `limit`, as JSONL or, with `gzip`, as block gzip (``BlockGzip``).
    ///
    /// Does not flush `output`. Throws what `output` throws (``ByteWriter/BrokenPipe`` included).
    @discardableResult
    public func write(_ limit: Limit, gzip: Bool = false, to output: ByteWriter) throws -> Summary {
        if gzip {
            let compressor = try BlockGzipWriter(emit: output.write)
            let summary = try generate(limit) { try compressor.write($0) }
            try compressor.finish()
            return summary
        }
        return try generate(limit) { try output.write($0) }
    }

    /// The next event, as one JSON line ending in `\n`.
    public func nextLine() -> [UInt8] {
        var buffer = GeneratorBuffer(capacity: EventSynthesizer.maxLineBytes)
        synthesizer.appendEvent(to: &buffer)
        return Array(buffer.bytes)
    }

    /// Generates until `limit`, handing the bytes to `sink` in chunks of whole lines.
    func generate(_ limit: Limit, sink: (UnsafeRawBufferPointer) throws -> Void) rethrows -> Summary {
        let chunkBytes = 128 * 1024
        var buffer = GeneratorBuffer(capacity: chunkBytes + EventSynthesizer.maxLineBytes)
        var synthesizer = self.synthesizer
        defer { self.synthesizer = synthesizer }
        var events = 0
        var bytes = 0
        let maxEvents: Int
        let maxBytes: Int
        switch limit {
        case .events(let count): (maxEvents, maxBytes) = (count, .max)
        case .bytes(let count): (maxEvents, maxBytes) = (.max, count)
        }
        while events < maxEvents && bytes < maxBytes {
            buffer.reserve(EventSynthesizer.maxLineBytes)
            let before = buffer.count
            synthesizer.appendEvent(to: &buffer)
            bytes += buffer.count - before
            events += 1
            if buffer.count >= chunkBytes {
                try sink(buffer.bytes)
                buffer.count = 0
            }
        }
        if buffer.count > 0 { try sink(buffer.bytes) }
        return Summary(events: events, bytes: bytes)
    }
}
