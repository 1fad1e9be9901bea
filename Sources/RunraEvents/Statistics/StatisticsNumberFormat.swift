#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How report numbers are written.
enum StatisticsNumberFormat {
    /// For people (table, markdown, messages): integers as they are, others with at most `digits` decimals.
    static func text(_ value: Double?, digits: Int = 3) -> String? {
        guard let value else { return nil }
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        var text = formatted(value, digits)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// A fraction as a percentage for people, e.g. `5.23%`.
    static func percent(_ value: Double?) -> String? {
        guard let value else { return nil }
        return (text(value * 100, digits: 2) ?? "") + "%"
    }

    /// A relative change for people, e.g. `+12.5%` or `-3%`.
    static func change(_ value: Double?) -> String? {
        guard let value else { return nil }
        let text = percent(value) ?? ""
        return value > 0 ? "+" + text : text
    }

    /// For machines (json, csv): the shortest text that reads back as the same number.
    static func exact(_ value: Double?) -> String? {
        guard let value else { return nil }
        return JSONText.number(value)
    }

    private static func formatted(_ value: Double, _ digits: Int) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            _ = withVaList([digits, value]) { vsnprintf(buffer.baseAddress!, 64, "%.*f", $0) }
            return String(cString: buffer.baseAddress!)
        }
    }
}
