internal import CRunraSIMD

/// Finds the bytes a string scan has to stop at (`"`, `\`, control characters, non-ASCII) in a line.
///
/// The bytes are marked by CRunraSIMD (AVX2, SSE2 or a portable loop, chosen at run time), one bit each, a window of
/// up to ``windowBytes`` at a time, starting where a lookup first needs them; a lookup is then a shift and a
/// trailing-zero count, with no call per string.
struct StringStops {
    /// The bytes one window covers.
    static let windowBytes = 1024
    /// The `UInt64` words the bitmap needs: the storage to pass to ``init(bytes:count:bitmap:)``.
    static let bitmapWords = windowBytes / 64

    private let bytes: UnsafePointer<UInt8>
    private let count: Int
    private let bitmap: UnsafeMutablePointer<UInt64>
    // The window the bitmap describes: bytes[windowStart..<windowEnd].
    private var windowStart = 0
    private var windowEnd = 0

    init(bytes: UnsafePointer<UInt8>, count: Int, bitmap: UnsafeMutablePointer<UInt64>) {
        self.bytes = bytes
        self.count = count
        self.bitmap = bitmap
    }

    /// The first stop at or after `position`, or `count` when there is none.
    @inline(__always)
    mutating func next(from position: Int) -> Int {
        var position = position
        while true {
            if position >= windowEnd {
                if position >= count { return count }
                mark(from: position)
            }
            let offset = position - windowStart
            let word = bitmap[offset >> 6] >> UInt64(offset & 63)
            if word == 0 {
                position += 64 - (offset & 63)
            } else {
                // A bit at windowEnd is the padding after the window: mark the next one, or stop at the end.
                position += word.trailingZeroBitCount
                if position < windowEnd { return position }
            }
        }
    }

    private mutating func mark(from position: Int) {
        windowStart = position
        windowEnd = min(count, position + Self.windowBytes)
        runra_string_stops(bytes + windowStart, windowEnd - windowStart, bitmap)
    }
}
