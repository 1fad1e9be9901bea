/// A duration for people: `0.4 s`, `42.0 s`, `4m 10s`, `4h 10m`, `174d 1h` (two units at most, rounded down).
enum HumanDuration {
    static func text(seconds: Double) -> String {
        guard seconds.isFinite else { return "-" }
        if seconds < 60 {
            let tenths = Int((max(0, seconds) * 10).rounded())
            return "\(tenths / 10).\(tenths % 10) s"
        }
        let whole = Int(seconds)
        let units: [(size: Int, name: String)] = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")]
        let first = units.firstIndex { whole >= $0.size }!
        let (big, small) = (units[first], units[first + 1])
        let rest = whole % big.size / small.size
        return "\(whole / big.size)\(big.name) \(rest)\(small.name)"
    }
}
