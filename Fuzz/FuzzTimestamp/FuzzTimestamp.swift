// libFuzzer target: `Timestamp(rfc3339:)`, differential against the plain reference parser below (same grammar:
// `YYYY-MM-DD(T|t| )hh:mm:ss[.fraction](Z|z|±hh:mm)`, leap second 60 allowed, fraction truncated to nanoseconds,
// nil when the instant does not fit Int64 nanoseconds), plus the round trip: a parsed value's description parses
// back to the same millisecond; and `TimeBound.parse` (`--since`). Build and run with scripts/fuzz.sh (docs/fuzzing.md).
import CLibFuzzer
import RunraEvents

@_cdecl("FuzzTimestamp_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var (argc, argv) = (argc, argv)
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    let parsed = Timestamp(rfc3339: text)
    // Invalid UTF-8 was replaced by U+FFFD in `text`; give the reference the same bytes.
    let expected = referenceNanoseconds(Array(text.utf8))
    guard parsed?.nanosecondsSinceEpoch == expected else {
        fatalError("\(text.debugDescription): parsed \(String(describing: parsed?.nanosecondsSinceEpoch)), expected \(String(describing: expected))")
    }
    // The description is cut to the millisecond (rounding down); that instant parses back, unless it falls before
    // the earliest one Int64 holds (the first 0.854775808 ms of the range).
    if let parsed {
        let (floored, overflowed) = floorDivide(parsed.nanosecondsSinceEpoch, 1_000_000).multipliedReportingOverflow(by: 1_000_000)
        if !overflowed {
            guard let again = Timestamp(rfc3339: parsed.description), again.nanosecondsSinceEpoch == floored else {
                fatalError("\(text.debugDescription) -> \(parsed.description) does not parse back to the same millisecond")
            }
        }
    }
    // `--since`/`--until` take the same text, a date or a duration: a time or a RunraError, never a trap.
    do {
        _ = try TimeBound.parse(text, now: Timestamp(nanosecondsSinceEpoch: 1_781_519_400_000_000_000))
    } catch {
        guard error is RunraError else { fatalError("TimeBound threw \(error)") }
    }
    return 0
}

func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
    return remainder < 0 ? quotient - 1 : quotient
}

/// The straightforward way: split into fields, count days by years and months, check the range at the end.
func referenceNanoseconds(_ bytes: [UInt8]) -> Int64? {
    func number(_ range: Range<Int>) -> Int? {
        guard range.upperBound <= bytes.count else { return nil }
        var value = 0
        for index in range {
            guard (0x30...0x39).contains(bytes[index]) else { return nil }
            value = value * 10 + Int(bytes[index] - 0x30)
        }
        return value
    }
    func byte(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
    guard let year = number(0..<4), byte(4) == 0x2D, let month = number(5..<7), byte(7) == 0x2D, let day = number(8..<10),
        let separator = byte(10), [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(separator),
        let hour = number(11..<13), byte(13) == 0x3A, let minute = number(14..<16), byte(16) == 0x3A,
        let second = number(17..<19)
    else { return nil }
    func isLeap(_ year: Int) -> Bool { year % 400 == 0 || (year % 4 == 0 && year % 100 != 0) }
    let monthLengths = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard month >= 1, month <= 12, day >= 1, day <= monthLengths[month - 1], hour <= 23, minute <= 59, second <= 60 else {
        return nil
    }
    var index = 19
    var fractionDigits: [Int] = []
    if byte(index) == UInt8(ascii: ".") {
        index += 1
        while let next = byte(index), (0x30...0x39).contains(next) {
            fractionDigits.append(Int(next - 0x30))
            index += 1
        }
        guard !fractionDigits.isEmpty else { return nil }
    }
    var nanoseconds = 0
    for position in 0..<9 { nanoseconds = nanoseconds * 10 + (position < fractionDigits.count ? fractionDigits[position] : 0) }
    var offsetMinutes = 0
    switch byte(index) {
    case UInt8(ascii: "Z"), UInt8(ascii: "z"):
        index += 1
    case UInt8(ascii: "+"), UInt8(ascii: "-"):
        guard let hours = number(index + 1..<index + 3), byte(index + 3) == 0x3A, let minutes = number(index + 4..<index + 6),
            hours <= 23, minutes <= 59
        else { return nil }
        offsetMinutes = (hours * 60 + minutes) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        index += 6
    default:
        return nil
    }
    guard index == bytes.count else { return nil }
    // Days from 1970-01-01 to the first of `year`, by counting leap years on either side.
    func leapYearsBefore(_ year: Int) -> Int { (year - 1) / 4 - (year - 1) / 100 + (year - 1) / 400 }
    var days = (year - 1970) * 365 + (year >= 1 ? leapYearsBefore(year) : -1) - leapYearsBefore(1970)
    days += monthLengths[..<(month - 1)].reduce(0, +) + day - 1
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
    // In 128 bits nothing overflows; then see whether it fits the 64 of Timestamp.
    let total = Int128(seconds) * 1_000_000_000 + Int128(nanoseconds)
    guard total >= Int128(Int64.min), total <= Int128(Int64.max) else { return nil }
    return Int64(total)
}
