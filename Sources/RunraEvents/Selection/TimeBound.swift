/// Parses `--since`/`--until` values: RFC 3339 (`2026-06-15T10:30:00Z`), a date (`2026-06-15`, midnight UTC),
/// or a duration before now (`90s`, `15m`, `2h`, `7d`, `1w`).
public enum TimeBound {
    /// The instant `text` names, relative durations counted back from `now`.
    public static func parse(_ text: String, now: Timestamp) throws -> Timestamp {
        if let timestamp = Timestamp(rfc3339: text) { return timestamp }
        if text.utf8.count == 10, let midnight = Timestamp(rfc3339: text + "T00:00:00Z") { return midnight }
        if let nanoseconds = parseDuration(text) {
            // A duration reaching before the earliest representable instant means "since the beginning".
            let (start, overflowed) = now.nanosecondsSinceEpoch.subtractingReportingOverflow(nanoseconds)
            return Timestamp(nanosecondsSinceEpoch: overflowed ? .min : start)
        }
        throw RunraError(
            .usage,
            "'\(text)' is not a time: use RFC 3339 (2026-06-15T10:30:00Z), a date (2026-06-15) "
                + "or a duration before now (90s, 15m, 2h, 7d)"
        )
    }

    /// A duration such as `90s`, `15m`, `2h`, `7d`, `1w`, `500ms`, in nanoseconds; longer than `Int64.max`
    /// nanoseconds (about 292 years) is `Int64.max`.
    public static func parseDuration(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [
            ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
            ("d", 86_400_000_000_000), ("w", 604_800_000_000_000),
        ]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if number.isEmpty { return nil }
            if let whole = Int64(number), whole >= 0 {
                let (product, overflowed) = whole.multipliedReportingOverflow(by: scale)
                return overflowed ? .max : product
            }
            if let value = Double(number), value >= 0, value.isFinite {
                let nanoseconds = value * Double(scale)
                // Double(Int64.max) rounds up to 2^63, which does not convert back: compare with that.
                return nanoseconds >= 0x1p63 ? .max : Int64(nanoseconds)
            }
        }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Timestamp {
    /// The current time from the system clock.
    public static var now: Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(nanosecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }
}
