import RunraEvents

/// What `load-pg` has done so far, as its progress line says it:
/// `load-pg: 305000 rows committed, 41% of 120.3 MB, 61000 rows/s, about 8 s left`.
struct LoadProgress {
    /// Bytes of the inputs when each is a plain file (not gzip, not standard input): what makes a share and a
    /// time left possible.
    let knownBytes: Int?
    var committed = 0
    var bytesRead = 0

    init(paths: [String?]) {
        knownBytes = Self.plainSize(paths)
    }

    /// The line after `seconds` of loading.
    func text(seconds: Double) -> String {
        let rate = seconds > 0 ? Int(Double(committed) / seconds) : 0
        var text = "load-pg: \(committed) rows committed"
        if let knownBytes, knownBytes > 0 {
            let share = min(1, Double(bytesRead) / Double(knownBytes))
            text += ", \(Int(share * 100))% of \(Self.megabytes(knownBytes))"
            if share > 0.01 && share < 1 {
                text += ", about \(HumanDuration.text(seconds: seconds / share - seconds)) left"
            }
        } else {
            text += ", \(Self.megabytes(bytesRead)) read"
        }
        return text + ", \(rate) rows/s"
    }

    static func megabytes(_ bytes: Int) -> String {
        let tenths = Int((Double(bytes) / 104_857.6).rounded())
        return "\(tenths / 10).\(tenths % 10) MB"
    }

    /// The total size of `paths` when all are plain files, else `nil`.
    private static func plainSize(_ paths: [String?]) -> Int? {
        var total = 0
        for path in paths {
            guard let path else { return nil }
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, !isGzip(path) else { return nil }
            total += Int(info.st_size)
        }
        return total
    }

    private static func isGzip(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return true }
        defer { close(descriptor) }
        var magic: (UInt8, UInt8) = (0, 0)
        return read(descriptor, &magic, 2) == 2 && magic == (0x1F, 0x8B)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
