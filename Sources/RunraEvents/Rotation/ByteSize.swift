/// A size in bytes as people write it: `100MB`, `100M` and `100MiB` all mean 100 × 1024²
/// (as in logrotate, SPEC §9); a bare number is bytes.
///
/// Units are case-insensitive: `B`, `K`/`KB`/`KiB`, `M`/`MB`/`MiB`, `G`/`GB`/`GiB`,
/// `T`/`TB`/`TiB`, all powers of 1024. A decimal fraction is allowed with a unit (`1.5G`).
public struct ByteSize: Sendable, Hashable, CustomStringConvertible {
    /// The number of bytes.
    public var bytes: Int64

    /// A size of `bytes` bytes.
    public init(bytes: Int64) {
        self.bytes = bytes
    }

    /// Parses `text` such as `100MB`, `64KiB`, `1.5G` or `123`.
    public init(parsing text: String) throws {
        let trimmed = Substring(text).trimmingSpaces()
        let numberEnd = trimmed.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? trimmed.endIndex
        let number = trimmed[..<numberEnd]
        let unit = trimmed[numberEnd...].trimmingSpaces().lowercased()
        guard let multiplier = Self.multipliers[unit], !number.isEmpty,
            number.filter({ $0 == "." }).count <= 1, number != "."
        else { throw Self.invalid(text) }
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard let whole = parts[0].isEmpty ? 0 : Int64(parts[0]) else { throw Self.invalid(text) }
        var (result, overflow) = whole.multipliedReportingOverflow(by: multiplier)
        if overflow { throw Self.invalid(text, tooLarge: true) }
        if parts.count == 2 && !parts[1].isEmpty {
            guard multiplier > 1, let fraction = Double("0." + parts[1]) else { throw Self.invalid(text) }
            (result, overflow) = result.addingReportingOverflow(Int64((fraction * Double(multiplier)).rounded()))
            if overflow { throw Self.invalid(text, tooLarge: true) }
        }
        bytes = result
    }

    /// The size in the largest unit that divides it exactly, e.g. `100MiB` or `123` (bytes).
    public var description: String {
        for (suffix, multiplier) in [("TiB", Int64(1) << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes != 0 && bytes % multiplier == 0 {
            return "\(bytes / multiplier)\(suffix)"
        }
        return String(bytes)
    }

    private static let multipliers: [String: Int64] = {
        var table: [String: Int64] = ["": 1, "b": 1]
        for (index, letter) in ["k", "m", "g", "t"].enumerated() {
            let value = Int64(1) << (10 * (index + 1))
            table[letter] = value
            table[letter + "b"] = value
            table[letter + "ib"] = value
        }
        return table
    }()

    private static func invalid(_ text: String, tooLarge: Bool = false) -> RunraError {
        RunraError(
            .usage,
            tooLarge
                ? "size '\(text)' is too large"
                : "invalid size '\(text)': use a number of bytes, or a number with K, M, G or T (e.g. 100MB = 100MiB)"
        )
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
