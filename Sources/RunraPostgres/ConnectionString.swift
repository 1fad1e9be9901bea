/// Helpers for libpq connection strings (URIs and `key=value` strings), which are passed to libpq untouched.
public enum ConnectionString {
    /// `connectionString` fit for display: the password replaced with `***`.
    ///
    /// Handles URIs (`postgresql://u:pw@h/db` → `postgresql://u:***@h/db`, and a `password=` query parameter)
    /// and `key=value` strings (`password=pw` or `password='p w'` → `password=***`). Everything else is kept.
    public static func masked(_ connectionString: String) -> String {
        scan(connectionString).masked
    }

    /// The password texts written in `connectionString` (as written, quotes removed), for scrubbing messages.
    static func passwords(in connectionString: String) -> [String] {
        scan(connectionString).passwords
    }

    private static func scan(_ text: String) -> (masked: String, passwords: [String]) {
        var passwords: [String] = []
        let masked = isURI(text) ? maskedURI(text, &passwords) : maskedKeywordValue(text, &passwords)
        return (masked, passwords)
    }

    static func isURI(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    private static func maskedURI(_ uri: String, _ passwords: inout [String]) -> String {
        let chars = Array(uri.utf8)
        let schemeEnd = chars.firstIndex(of: UInt8(ascii: "/"))! + 2  // after "://"
        let queryStart = chars[schemeEnd...].firstIndex(of: UInt8(ascii: "?")) ?? chars.endIndex
        var out: [UInt8] = []
        out.reserveCapacity(chars.count)
        out += chars[..<schemeEnd]
        // The last "@" before the query ends the userinfo, so a raw "@" or "/" inside a password is still masked.
        if let at = chars[schemeEnd..<queryStart].lastIndex(of: UInt8(ascii: "@")) {
            let userinfo = chars[schemeEnd..<at]
            if let colon = userinfo.firstIndex(of: UInt8(ascii: ":")) {
                out += chars[schemeEnd...colon]
                out += Array("***".utf8)
                passwords.append(String(decoding: userinfo[(colon + 1)...], as: UTF8.self))
            } else {
                out += userinfo
            }
            out += chars[at..<queryStart]
        } else {
            out += chars[schemeEnd..<queryStart]
        }
        if queryStart < chars.endIndex {
            // "?a=1&password=x&b=2": mask the value of every password parameter.
            out.append(UInt8(ascii: "?"))
            let parameters = chars[(queryStart + 1)...].split(
                separator: UInt8(ascii: "&"),
                omittingEmptySubsequences: false
            )
            for (index, parameter) in parameters.enumerated() {
                if index > 0 { out.append(UInt8(ascii: "&")) }
                if let eq = parameter.firstIndex(of: UInt8(ascii: "=")),
                    String(decoding: parameter[..<eq], as: UTF8.self).lowercased() == "password"
                {
                    out += parameter[...eq]
                    out += Array("***".utf8)
                    passwords.append(String(decoding: parameter[(eq + 1)...], as: UTF8.self))
                } else {
                    out += parameter
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `key = value` pairs separated by whitespace; values may be single-quoted with `\'` and `\\` escapes.
    private static func maskedKeywordValue(_ text: String, _ passwords: inout [String]) -> String {
        let chars = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(chars.count)
        var i = 0
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        while i < chars.count {
            // Whitespace between pairs.
            while i < chars.count, isSpace(chars[i]) {
                out.append(chars[i])
                i += 1
            }
            let keyStart = i
            while i < chars.count, chars[i] != UInt8(ascii: "="), !isSpace(chars[i]) { i += 1 }
            let key = String(decoding: chars[keyStart..<i], as: UTF8.self)
            out += chars[keyStart..<i]
            while i < chars.count, isSpace(chars[i]) {
                out.append(chars[i])
                i += 1
            }
            guard i < chars.count, chars[i] == UInt8(ascii: "=") else { continue }
            out.append(chars[i])
            i += 1
            while i < chars.count, isSpace(chars[i]) {
                out.append(chars[i])
                i += 1
            }
            let valueStart = i
            if i < chars.count, chars[i] == UInt8(ascii: "'") {
                i += 1
                while i < chars.count, chars[i] != UInt8(ascii: "'") {
                    i += chars[i] == UInt8(ascii: "\\") ? 2 : 1
                }
                i = min(i + 1, chars.count)
            } else {
                while i < chars.count, !isSpace(chars[i]) {
                    i += chars[i] == UInt8(ascii: "\\") ? 2 : 1
                }
                i = min(i, chars.count)
            }
            if key == "password" {
                out += Array("***".utf8)
                var value = chars[valueStart..<i]
                if value.first == UInt8(ascii: "'") { value = value.dropFirst() }
                if value.last == UInt8(ascii: "'") { value = value.dropLast() }
                passwords.append(String(decoding: value, as: UTF8.self))
            } else {
                out += chars[valueStart..<i]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
