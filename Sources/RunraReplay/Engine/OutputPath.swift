import Foundation
import RunraEvents

/// A file the replay writes (the jsonl exporter's `filePath`, the checkpoint, the dead-letter file): its missing
/// folders made, and whether it can be written, checked without writing anything.
enum OutputPath {
    /// Creates the missing folders of `path`'s directory, as `mkdir -p` does.
    ///
    /// Throws ``RunraError/Code/io`` naming the folder that could not be made and the `errno` text.
    static func createFolders(of path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }
        try createFolder(folder)
    }

    private static func createFolder(_ folder: String) throws {
        var info = stat()
        if stat(folder, &info) == 0 { return }  // a file in the way is reported when the file is opened
        guard errno == ENOENT else { throw RunraError(.io, "cannot create folder \(folder): \(errorText())") }
        let parent = (folder as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != folder { try createFolder(parent) }
        guard mkdir(folder, 0o777) == 0 || errno == EEXIST else {
            throw RunraError(.io, "cannot create folder \(folder): \(errorText())")
        }
    }

    /// Why `path` could not be opened for writing (creating it and its missing folders), or `nil` when it can be
    /// as far as can be told without writing: `"/srv/out: Is a directory"`, `"/ro: Read-only file system"`.
    static func problem(writing path: String) -> String? {
        var info = stat()
        if stat(path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFDIR { return "\(path): \(errorText(EISDIR))" }
            return access(path, W_OK) == 0 ? nil : "\(path): \(errorText())"
        }
        guard errno == ENOENT else { return "\(path): \(errorText())" }
        // The file would be created in the nearest folder that exists: it must be a folder we may write.
        var folder = (path as NSString).deletingLastPathComponent
        while true {
            if folder.isEmpty { folder = "." }
            if stat(folder, &info) == 0 {
                if info.st_mode & S_IFMT != S_IFDIR { return "\(folder): \(errorText(ENOTDIR))" }
                return access(folder, W_OK | X_OK) == 0 ? nil : "\(folder): \(errorText())"
            }
            guard errno == ENOENT, folder != "/", folder != "." else { return "\(folder): \(errorText())" }
            folder = (folder as NSString).deletingLastPathComponent
        }
    }

    /// The `strerror` text of `code`.
    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}
