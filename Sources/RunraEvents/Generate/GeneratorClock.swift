/// The generated log's clock: milliseconds since the Unix epoch, written as RFC 3339 with
/// millisecond precision and `Z` (`2026-06-15T10:30:00.036Z`).
///
/// The `YYYY-MM-DDTHH:MM:` part is cached per minute, so most events format only the seconds.
struct GeneratorClock {
    /// 2026-06-15T10:30:00.000Z, where every generated log starts.
    static let startMilliseconds: Int64 =
        Timestamp.days(fromCivil: 2026, 6, 15) * 86_400_000 + (10 * 3600 + 30 * 60) * 1000

    private(set) var milliseconds: Int64
    private var minuteStart: Int64 = 0
    /// `YYYY-MM-DDTHH:MM:`, 17 bytes, for the minute that starts at `minuteStart`.
    private var minutePrefix = [UInt8](repeating: 0, count: 17)

    init(milliseconds: Int64 = GeneratorClock.startMilliseconds) {
        self.milliseconds = milliseconds
        updateMinute()
    }

    mutating func advance(by delta: Int64) {
        milliseconds += delta
    }

    /// Appends the current time, without quotes.
    @inline(__always)
    mutating func append(to buffer: inout GeneratorBuffer) {
        var offset = milliseconds - minuteStart
        if offset < 0 || offset >= 60_000 {
            updateMinute()
            offset = milliseconds - minuteStart
        }
        minutePrefix.withUnsafeBufferPointer { buffer.append($0.baseAddress!, count: 17) }
        let value = Int(offset)
        buffer.append(paddedDecimal: value / 1000, width: 2)
        buffer.append(UInt8(ascii: "."))
        buffer.append(paddedDecimal: value % 1000, width: 3)
        buffer.append(UInt8(ascii: "Z"))
    }

    private mutating func updateMinute() {
        minuteStart = milliseconds - ((milliseconds % 60_000) + 60_000) % 60_000
        let days = Int(minuteStart.quotientAndRemainder(dividingBy: 86_400_000).quotient)
        let minuteOfDay = Int((minuteStart - Int64(days) * 86_400_000) / 60_000)
        let (year, month, day) = Timestamp.civil(fromDays: Int64(days))
        var text = ""
        text += Self.pad(Int(year), 4) + "-" + Self.pad(Int(month), 2) + "-" + Self.pad(Int(day), 2)
        text += "T" + Self.pad(minuteOfDay / 60, 2) + ":" + Self.pad(minuteOfDay % 60, 2) + ":"
        minutePrefix = Array(text.utf8)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
