import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A small tmpfs mounted for one test and unmounted at the end: read-only (EROFS on every write), or tiny and then
/// filled (ENOSPC: a full disk, with short writes as a real one gives). Needs root or CAP_SYS_ADMIN, as `make test`
/// has; ``canMount`` says whether this machine allows it.
final class TmpfsFolder {
    let path: String

    /// Whether a tmpfs can be mounted here (tried once).
    static let canMount: Bool = TmpfsFolder(readOnly: true) != nil

    /// Mounts a tmpfs of `kilobytes` (read-only when `readOnly`); nil when mounting is not allowed.
    init?(readOnly: Bool = false, kilobytes: Int = 64) {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("runra-tmpfs-\(UUID().uuidString)").path
        guard mkdir(path, 0o755) == 0 else { return nil }
        let flags = readOnly ? UInt(MS_RDONLY) : 0
        let mounted = "size=\(kilobytes)k".withCString { mount("tmpfs", path, "tmpfs", flags, $0) == 0 }
        guard mounted else {
            rmdir(path)
            return nil
        }
    }

    deinit {
        umount2(path, Int32(MNT_DETACH))
        rmdir(path)
    }

    /// Fills the file system, leaving `spare` bytes free (a file `filler` of what it took).
    func fill(leaving spare: Int = 0) {
        let fd = open(path + "/filler", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let block = [UInt8](repeating: 0x78, count: 4096)
        while write(fd, block, block.count) > 0 {}
        if spare > 0 {
            let size = lseek(fd, 0, SEEK_END)
            ftruncate(fd, max(0, size - off_t(spare)))
        }
    }
}
