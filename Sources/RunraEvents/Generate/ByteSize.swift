/// Sizes as users write them (SPEC §9 "Sizes"): `100MB`, `100M` and `100MiB` all mean
/// 100 × 1024² bytes, as in logrotate; `K`, `G` and `T` likewise; a bare number is bytes.
public enum ByteSize {
    /// The number of bytes `text` means, or a usage error that shows the accepted forms.
    public static func parse(_ text: String) throws -> Int {
        let trimmed = text.trimmingWhitespace()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let unit = trimmed.dropFirst(digits.count).lowercased()
        let shift: Int? = switch unit {
        case "", "b": 0
        case "k", "kb", "kib": 10
        case "m", "mb", "mib": 20
        case "g", "gb", "gib": 30
        case "t", "tb", "tib": 40
        default: nil
        }
        guard !digits.isEmpty, let shift, let number = Int(digits),
            number <= Int.max >> shift
        else {
            throw RunraError(.usage, "invalid size \"\(text)\": use a number of bytes, or a number with K, M, G or T (e.g. 512MB, 100MiB, 1G)")
        }
        return number << shift
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<end]
    }
}
