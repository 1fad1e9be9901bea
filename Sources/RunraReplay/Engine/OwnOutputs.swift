import Foundation
import RunraEvents

/// The files a replay writes (a jsonl exporter's `filePath`, the checkpoint, the dead-letter file) must not be among
/// the files it reads: following `out/*.jsonl` while writing `out/copy.jsonl` would send its own output again, in a
/// loop. Paths are compared resolved (the folder's `realpath` and the name), and by device and inode when both
/// exist; a glob is matched against the resolved output path, as `glob(3)` would match it.
enum OwnOutputs {
    /// One file written: what writes it (for the message) and its path.
    struct Output {
        var writer: String
        var path: String
    }

    /// Throws a usage error (exit 2) naming the first output that `inputs` (paths or globs) would read.
    static func check(inputs: [String], outputs: [Output], following: Bool) throws {
        for output in outputs {
            let resolvedOutput = resolved(output.path)
            for input in inputs where reads(input, resolvedOutput, output.path) {
                let read = following ? "followed" : "read"
                throw RunraError(
                    .usage,
                    "\(output.writer) \(output.path) is one of the files \(read) ('\(input)'): runra-events would read "
                        + "what it writes and send it again, in a loop. Put it outside what is \(read)"
                        + (following ? ", or follow a narrower glob" : "")
                )
            }
        }
    }

    /// Whether the input `input` (a path or a glob) names the output at `resolvedOutput` (given as `output`).
    private static func reads(_ input: String, _ resolvedOutput: String, _ output: String) -> Bool {
        guard isGlob(input) else { return resolved(input) == resolvedOutput || sameFile(input, output) }
        if fnmatch(resolvedPattern(input), resolvedOutput, FNM_PATHNAME | FNM_PERIOD) == 0 { return true }
        return expand(input).contains { sameFile($0, output) }
    }

    /// `path` with its folder resolved by `realpath` (absolute, without `.`, `..` or symbolic links), or made
    /// absolute as written when the folder does not exist.
    static func resolved(_ path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        let folder = OutputPath.parent(of: path) ?? "."
        guard let real = realpath(folder, nil) else {
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            return URL(fileURLWithPath: absolute).standardized.path
        }
        defer { free(real) }
        let base = String(cString: real)
        return base == "/" ? "/" + name : base + "/" + name
    }

    /// The glob with its leading components that hold no wildcard resolved as ``resolved(_:)`` resolves a folder.
    static func resolvedPattern(_ glob: String) -> String {
        let components = glob.split(separator: "/", omittingEmptySubsequences: false)
        guard let firstWild = components.firstIndex(where: { isGlob(String($0)) }) else { return resolved(glob) }
        let rest = components[firstWild...].joined(separator: "/")
        let prefix = components[..<firstWild].joined(separator: "/")
        let folder = glob.hasPrefix("/") && prefix.isEmpty ? "/" : (prefix.isEmpty ? "." : prefix)
        let base = resolved(folder + "/.")  // the folder itself, resolved
        let directory = String(base.dropLast(2))
        return directory + "/" + rest
    }

    private static func isGlob(_ text: String) -> Bool { text.contains(where: { "*?[".contains($0) }) }

    /// Whether both paths exist and are the same file (a hard link, a symbolic link to it).
    private static func sameFile(_ a: String, _ b: String) -> Bool {
        var first = stat()
        var second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }

    /// The paths `pattern` matches now.
    private static func expand(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }
    }
}
