/// Parses the servers' "come back later" headers.
enum RetryHints {
    /// `Retry-After`: delay-seconds (`120`) or an HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`),
    /// as seconds from `now`. `nil` when absent or unreadable.
    static func retryAfter(_ value: String?, now: Double) -> Double? {
        guard let text = value?.trimmingSpaces, !text.isEmpty else { return nil }
        if let seconds = Int(text) { return Double(max(0, seconds)) }
        guard let date = httpDate(text) else { return nil }
        return max(0, date - now)
    }

    /// Axiom's `X-RateLimit-Reset`: UTC epoch seconds, as seconds from `now`.
    static func rateLimitReset(_ value: String?, now: Double) -> Double? {
        guard let text = value?.trimmingSpaces, let epoch = Double(text) else { return nil }
        return max(0, epoch - now)
    }

    /// An IMF-fixdate (RFC 9110 §5.6.7), or the obsolete RFC 850 and asctime forms, as epoch seconds.
    static func httpDate(_ text: String) -> Double? {
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        var parts = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map(String.init)
        guard parts.count >= 4 else { return nil }
        if parts.first.map({ Int($0) == nil }) == true { parts.removeFirst() }  // weekday
        var day: Int?
        var month: Int?
        var year: Int?
        var clock: [Int]?
        for part in parts {
            if part.contains(":") {
                let fields = part.split(separator: ":").compactMap { Int($0) }
                if fields.count == 3 { clock = fields }
            } else if let index = months.firstIndex(of: part.lowercased().prefix(3).description) {
                month = index + 1
            } else if let number = Int(part) {
                if day == nil && number <= 31 && part.count <= 2 { day = number } else { year = number }
            }
        }
        guard let day, let month, var year, let clock else { return nil }
        if year < 100 { year += year < 70 ? 2000 : 1900 }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Double(days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2])
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension String {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " || slice.first == "\t" { slice.removeFirst() }
        while slice.last == " " || slice.last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
