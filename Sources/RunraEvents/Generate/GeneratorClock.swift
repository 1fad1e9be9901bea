/// The generated log's clock: milliseconds since the Unix epoch, written as RFC 3339 with
/// millisecond precision and `Z` (`2026-06-15T10:30:00.036Z`).
///
/// The `YYYY-MM-DDTHH:MM:` part is cached per minute, so most events format only the seconds.
struct GeneratorClock {
    /// 2026-06-15T10:30:00.000Z, where every generated log starts.
    static let startMilliseconds: Int64 = Int64(daysFromCivil(year: 2026, month: 6, day: 15)) * 86_400_000 + (10 * 3600 + 30 * 60) * 1000

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
        let (year, month, day) = Self.civilFromDays(days)
        var text = ""
        text += Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2)
        text += "T" + Self.pad(minuteOfDay / 60, 2) + ":" + Self.pad(minuteOfDay % 60, 2) + ":"
        minutePrefix = Array(text.utf8)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day count since 1970-01-01 (the inverse of ``daysFromCivil(year:month:day:)``).
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
