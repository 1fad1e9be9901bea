import Foundation
import RunraEvents

/// Names input positions for ``BatchOrigin``s: a fingerprint of the input's first 64 KiB (the one its checkpoint
/// keeps), its index and the line. Standard input, pipes and events in memory cannot be read twice alike: they get
/// a name new in every run, so what one run wrote is never taken for another's.
final class OriginNames: @unchecked Sendable {
    private let paths: [String?]
    private let lock = NSLock()
    private var prefixes: [Int: String] = [:]
    private let runName = String(UInt64.random(in: 0...UInt64.max), radix: 16)

    /// Names for positions in `paths` (`nil` or `-`: standard input; empty: events in memory). `fingerprints`: the
    /// inputs' fingerprints when a checkpoint has them already (read again otherwise).
    init(paths: [String?], fingerprints: [String] = []) {
        self.paths = paths
        if fingerprints.count == paths.count {
            for (index, fingerprint) in fingerprints.enumerated() {
                prefixes[index] = BatchOrigin.fileNamePart(fingerprint)
            }
        }
    }

    /// The origin of the event at `position`.
    func origin(of position: EventPosition) -> BatchOrigin {
        let prefix = lock.withLock {
            if let known = prefixes[position.input] { return known }
            let made = Self.prefix(path: position.input < paths.count ? paths[position.input] : nil) ?? runName
            prefixes[position.input] = made
            return made
        }
        return BatchOrigin(key: "\(prefix)-\(position.input)-\(position.line)")
    }

    /// The hex digits of the fingerprint of the file at `path`, or `nil` when it is standard input or unreadable.
    private static func prefix(path: String?) -> String? {
        // Only a regular file can be read twice alike; reading a pipe here would take lines from the replay.
        var status = stat()
        guard let path, path != "-", stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
            let input = try? ReplayCheckpoint.describe(paths: [path]).first
        else { return nil }
        return BatchOrigin.fileNamePart(input.fingerprint)
    }
}

extension BatchOrigin {
    /// `text` with what a file name should not hold left out: `fnv1a64:5f0e…` gives `5f0e…`.
    static func fileNamePart(_ text: String) -> String {
        let body = text.split(separator: ":").last.map(String.init) ?? text
        return String(body.unicodeScalars.filter { $0.properties.isASCIIHexDigit || $0 == "-" }.map(Character.init))
    }
}
