import Foundation
import RunraEvents

/// A file the replay writes (the jsonl exporter's `filePath`, the checkpoint, the dead-letter file): its missing
/// folders made, and whether it can be written, checked without writing anything.
enum OutputPath {
    /// Creates the missing folders of `path`'s directory, as `mkdir -p` does.
    ///
    /// Throws ``RunraError/Code/io`` naming the folder that could not be made and the `errno` text.
    static func createFolders(of path: String) throws {
        guard let folder = parent(of: path) else { return }
        try createFolder(folder)
    }

    private static func createFolder(_ folder: String) throws {
        var info = stat()
        if stat(folder, &info) == 0 { return }  // a file in the way is reported when the file is opened
        guard errno == ENOENT else { throw RunraError(.io, "cannot create folder \(folder): \(errorText())") }
        if let parent = parent(of: folder) { try createFolder(parent) }
        guard mkdir(folder, 0o777) == 0 || errno == EEXIST else {
            throw RunraError(.io, "cannot create folder \(folder): \(errorText())")
        }
    }

    /// Why `path` could not be opened for writing (creating it, and its missing folders when `creatingFolders`), or
    /// `nil` when it can be as far as can be told without writing: `"/srv/out: Is a directory"`,
    /// `"/ro: Read-only file system"`.
    static func problem(writing path: String, creatingFolders: Bool = true) -> String? {
        var info = stat()
        if stat(path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFDIR { return "\(path): \(errorText(EISDIR))" }
            return access(path, W_OK) == 0 ? nil : "\(path): \(errorText())"
        }
        guard errno == ENOENT else { return "\(path): \(errorText())" }
        // The file would be created in the nearest folder that exists: it must be a folder we may write.
        var folder = parent(of: path) ?? "."
        while true {
            if stat(folder, &info) == 0 {
                if info.st_mode & S_IFMT != S_IFDIR { return "\(folder): \(errorText(ENOTDIR))" }
                return access(folder, W_OK | X_OK) == 0 ? nil : "\(folder): \(errorText())"
            }
            // `replayed/out.jsonl`: the folder `replayed` would be made in the current folder.
            guard creatingFolders, errno == ENOENT, folder != "." else {
                return "\(folder): \(errorText())"
            }
            folder = parent(of: folder) ?? "."
        }
    }

    /// The folder `path` is in, as `dirname` gives it; `nil` for `/` and for a name without a folder (the current
    /// folder). Not `NSString.deletingLastPathComponent`: swift-corelibs-foundation traps on a one-character name.
    static func parent(of path: String) -> String? {
        var path = Substring(path)
        while path.count > 1 && path.hasSuffix("/") { path = path.dropLast() }
        guard path != "/", let slash = path.lastIndex(of: "/") else { return nil }
        var folder = path[..<slash]
        while folder.count > 1 && folder.hasSuffix("/") { folder = folder.dropLast() }
        return folder.isEmpty ? "/" : String(folder)
    }

    /// The `strerror` text of `code`.
    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}
