#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much there is to read, for a progress line's share and time left.
enum InputSize {
    /// The total size of `paths` when every one is a plain file (not gzip, not standard input), else `nil`: only
    /// then do the bytes read (decompressed) measure how far along a read is.
    static func plainBytes(_ paths: [String?]) -> Int? {
        var total = 0
        for path in paths {
            guard let path, path != "-" else { return nil }
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, !isGzip(path) else { return nil }
            total += Int(info.st_size)
        }
        return total
    }

    /// `412.3 MB`.
    static func megabytes(_ bytes: Int) -> String {
        let tenths = Int((Double(bytes) / 104_857.6).rounded())
        return "\(tenths / 10).\(tenths % 10) MB"
    }

    /// `, 41% of 1000.0 MB, about 3.2 s left` with a known size, else `, 412.3 MB read`.
    static func shareText(read: Int, of known: Int?, seconds: Double) -> String {
        guard let known, known > 0 else { return ", \(megabytes(read)) read" }
        let share = min(1, Double(read) / Double(known))
        var text = ", \(Int(share * 100))% of \(megabytes(known))"
        if share > 0.01 && share < 1 {
            text += ", about \(HumanDuration.text(seconds: seconds / share - seconds)) left"
        }
        return text
    }

    private static func isGzip(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return true }
        defer { close(descriptor) }
        var magic: (UInt8, UInt8) = (0, 0)
        return read(descriptor, &magic, 2) == 2 && magic == (0x1F, 0x8B)
    }
}
