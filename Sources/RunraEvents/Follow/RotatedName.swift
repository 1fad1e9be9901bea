/// Whether a file name is one logrotate gives a rotated file of a log, under any of its naming schemes.
///
/// For the log `app.jsonl` these are rotated names, each optionally followed by a compression extension:
/// - numbered: `app.jsonl.1`, `app.jsonl.0` (`start 0`);
/// - `dateext` with any `dateformat`: `app.jsonl-20261206`, `app.jsonl-20261206-1733480000`,
///   `app.jsonl.2026-12-06`, `app.jsonl_2026-12-06_14+0100`;
/// - `extension .jsonl`: the number or date before the extension, `app.1.jsonl`, `app-20261206.jsonl.gz`.
///
/// logrotate's `dateformat` allows only numeric specifiers (`%Y %m %d %H %M %S %V %s %z` …), so a date suffix
/// is a separator (`-`, `.`, `_`) and then digits and punctuation, with at least six digits; a number suffix is
/// `.` and digits. That keeps `app-server.jsonl` and `worker-1.jsonl` from being taken for rotated files of
/// `app.jsonl` and `worker.jsonl`. `olddir` keeps the names and changes the directory.
struct RotatedName: Equatable, Sendable {
    /// How a rotated file is compressed, by its name.
    enum Compression: Equatable, Sendable {
        case none
        /// `.gz`: read through the gzip reader.
        case gzip
        /// `.bz2`, `.xz`, `.zst`, `.Z`, `.zip`: a rotated file runra-events cannot read.
        case unreadable(String)
    }

    /// The number of a numbered name (`.3` → 3), `nil` for a dated one.
    var number: Int?
    var compression: Compression

    /// What `candidate` is to the log named `logName` (file names, no directories): a rotated name, or `nil`.
    init?(_ candidate: String, of logName: String) {
        guard candidate != logName, !candidate.hasPrefix(".") else { return nil }
        let (name, compression) = Self.splitCompression(candidate)
        if let suffix = Self.suffix(of: name, after: logName), let kind = Self.classify(suffix) {
            self.init(number: kind.number, compression: compression)
            return
        }
        // `extension`: the stem, then the number or date, then the log's extension.
        guard let dot = logName.lastIndex(of: "."), dot != logName.startIndex else { return nil }
        let stem = logName[..<dot]
        let ext = logName[dot...]
        guard name.hasSuffix(ext), let suffix = Self.suffix(of: String(name.dropLast(ext.count)), after: String(stem)),
            let kind = Self.classify(suffix)
        else { return nil }
        self.init(number: kind.number, compression: compression)
    }

    private init(number: Int?, compression: Compression) {
        self.number = number
        self.compression = compression
    }

    /// Compression extensions logrotate's `compresscmd` choices give.
    static let unreadableExtensions = [".bz2", ".xz", ".zst", ".Z", ".zip"]

    /// Whether a file name ends in a compression extension (a live log never does).
    static func isCompressedName(_ name: String) -> Bool {
        splitCompression(name).compression != .none
    }

    private static func splitCompression(_ name: String) -> (name: String, compression: Compression) {
        if name.hasSuffix(".gz") && name.count > 3 { return (String(name.dropLast(3)), .gzip) }
        for ext in unreadableExtensions where name.hasSuffix(ext) && name.count > ext.count {
            return (String(name.dropLast(ext.count)), .unreadable(ext))
        }
        return (name, .none)
    }

    private static func suffix(of name: String, after prefix: String) -> Substring? {
        guard name.count > prefix.count, name.hasPrefix(prefix) else { return nil }
        return name.dropFirst(prefix.count)
    }

    private enum Suffix {
        case number(Int)
        case date

        var number: Int? {
            if case .number(let value) = self { value } else { nil }
        }
    }

    /// `.N`, a date suffix, or `nil`: not a rotated name.
    private static func classify(_ suffix: Substring) -> Suffix? {
        guard let separator = suffix.first, "-._".contains(separator) else { return nil }
        let body = suffix.dropFirst()
        guard !body.isEmpty else { return nil }
        if separator == ".", body.utf8.count <= 18, body.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return Int(body).map(Suffix.number)
        }
        var digits = 0
        for byte in body.utf8 {
            if byte >= 0x30 && byte <= 0x39 {
                digits += 1
            } else if !"-._:+".utf8.contains(byte) {
                return nil
            }
        }
        return digits >= 6 ? .date : nil
    }
}
