/// A reusable byte buffer the generator appends whole lines to, without bounds checks per byte.
///
/// The caller reserves room for the largest line before each line (``reserve(_:)``); the
/// appends then write straight into memory.
struct GeneratorBuffer: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deallocate()
    }

    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }

    /// Makes sure `extra` more bytes fit.
    mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let newCapacity = max(capacity * 2, count + extra)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        (base + count).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }

    @inline(__always)
    mutating func append(_ pointer: UnsafePointer<UInt8>, count length: Int) {
        (base + count).update(from: pointer, count: length)
        count += length
    }

    /// Appends `value` in decimal.
    @inline(__always)
    mutating func append(decimal value: Int) {
        var magnitude = UInt64(value.magnitude)
        if value < 0 { append(UInt8(ascii: "-")) }
        var digits = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        var index = count + digits
        count = index
        repeat {
            index -= 1
            base[index] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
            magnitude /= 10
        } while magnitude > 0
    }

    /// Appends `value / 10^scale` as a JSON number with at least one fractional digit
    /// (`12345, scale 6` → `0.012345`; `1500, scale 3` → `1.5`; `2000, scale 3` → `2.0`).
    mutating func append(fixed value: Int, scale: Int) {
        var divisor = 1
        for _ in 0..<scale { divisor *= 10 }
        append(decimal: value / divisor)
        append(UInt8(ascii: "."))
        var fraction = value % divisor
        var digits = scale
        while digits > 1 && fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        append(paddedDecimal: fraction, width: digits)
    }

    /// Appends `value` (non-negative) in decimal, left-padded with zeros to `width` digits.
    @inline(__always)
    mutating func append(paddedDecimal value: Int, width: Int) {
        var value = value
        var index = count + width
        count = index
        for _ in 0..<width {
            index -= 1
            base[index] = UInt8(truncatingIfNeeded: value % 10) &+ 0x30
            value /= 10
        }
    }

    /// Appends the `width` lowest base-36 digits of `value` (`0-9a-z`).
    @inline(__always)
    mutating func append(base36 value: UInt64, width: Int) {
        var value = value
        var index = count + width
        count = index
        for _ in 0..<width {
            index -= 1
            let digit = UInt8(truncatingIfNeeded: value % 36)
            base[index] = digit < 10 ? digit &+ 0x30 : digit &+ (0x61 - 10)
            value /= 36
        }
    }
}
