#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of a rotated log, named as logrotate names them (SPEC §3).
///
/// For `logs/runra-events.jsonl` the set, oldest first, is `runra-events.jsonl.N[.gz]` …
/// `runra-events.jsonl.1[.gz]`, then the live `runra-events.jsonl`. Gaps in the numbering
/// are allowed. Only canonical numbers count (`.2`, not `.02`); hidden files such as
/// temporary `.gz` files and lock files are never members. When both `.k` and `.k.gz` exist
/// (a crash between finishing the `.gz` and removing its source), `.k` is the member: it is
/// the complete original and the `.gz` a copy of it.
public struct RotatedSet: Sendable {
    /// One rotated file: its number (1 is the newest) and where it is.
    struct Member: Sendable, Equatable {
        var index: Int
        var path: String
        var isCompressed: Bool
    }

    /// The live file's path.
    public let basePath: String

    /// The rotated set of the log at `basePath`.
    public init(basePath: String) {
        self.basePath = basePath
    }

    /// The existing files of the set, oldest first, the live file last when it exists.
    public func members() throws -> [String] {
        var paths = try rotatedMembers().reversed().map(\.path)
        if try POSIX.fileInfo(basePath) != nil { paths.append(basePath) }
        return paths
    }

    /// The rotated files (not the live one), newest (`.1`) first, one per number.
    func rotatedMembers() throws -> [Member] {
        try scan().members
    }

    /// The rotated files, and the `.gz` copies shadowed by an uncompressed file of the same number.
    func scan() throws -> (members: [Member], shadowed: [String]) {
        let (directory, name) = POSIX.split(basePath)
        guard try POSIX.fileInfo(directory) != nil else { return ([], []) }
        let names = try POSIX.listDirectory(directory)
        var plain: [Int: String] = [:]
        var compressed: [Int: String] = [:]
        let prefix = name + "."
        for candidate in names where candidate.hasPrefix(prefix) {
            var rest = candidate.utf8.dropFirst(prefix.utf8.count)
            var isCompressed = false
            if rest.count > 3 && rest.suffix(3).elementsEqual(".gz".utf8) {
                rest = rest.dropLast(3)
                isCompressed = true
            }
            guard let index = Self.parseIndex(rest) else { continue }
            // Spelled like `basePath` (relative stays relative), plus the member's suffix.
            let path = basePath + candidate.dropFirst(name.count)
            if isCompressed { compressed[index] = path } else { plain[index] = path }
        }
        var members: [Member] = []
        var shadowed: [String] = []
        for index in Set(plain.keys).union(compressed.keys).sorted() {
            if let path = plain[index] {
                members.append(Member(index: index, path: path, isCompressed: false))
                if let copy = compressed[index] { shadowed.append(copy) }
            } else if let path = compressed[index] {
                members.append(Member(index: index, path: path, isCompressed: true))
            }
        }
        return (members, shadowed)
    }

    /// The path of member `index`, compressed or not.
    func path(index: Int, compressed: Bool) -> String {
        basePath + "." + String(index) + (compressed ? ".gz" : "")
    }

    /// A positive decimal number without leading zeros that fits an `Int`, or nil.
    static func parseIndex(_ digits: Substring.UTF8View) -> Int? {
        guard let first = digits.first, first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9"),
            digits.count <= 18
        else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
