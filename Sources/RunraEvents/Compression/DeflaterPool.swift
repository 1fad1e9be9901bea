#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Idle ``Deflater``s kept for ``Deflater/gzip(_:level:)``, so that compressing many small bodies
/// (one per HTTP request) does not set up zlib each time.
final class DeflaterPool: @unchecked Sendable {
    static let shared = DeflaterPool()

    /// More than the compressions that run at once in practice (a few requests in flight per exporter).
    private let capacity = 16
    private let monitor = Monitor()
    private var idle: [Deflater] = []

    /// An idle compressor at `level`, reset, or a new one.
    func take(level: Int) throws -> Deflater {
        let reused = monitor.withLock { () -> Deflater? in
            guard let index = idle.lastIndex(where: { $0.level == level }) else { return nil }
            return idle.remove(at: index)
        }
        if let reused {
            try reused.reset()
            return reused
        }
        return try Deflater(level: level, outputChunkSize: 64 * 1024)
    }

    /// Returns a compressor for reuse (dropped when the pool is full).
    func give(_ deflater: Deflater) {
        monitor.withLock {
            if idle.count < capacity { idle.append(deflater) }
        }
    }
}
