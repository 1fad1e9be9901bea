import Foundation
import RunraEvents

#if canImport(Glibc)
import Glibc
#endif

/// What rotation does to the model's log: rename or copy and truncate, compress, delete.
extension RotationModel {
    /// Rotates the live log under the model's scheme (nothing when it does not exist, as `missingok`).
    func rotate() {
        completePartialLine()
        var info = stat()
        guard stat(log, &info) == 0 else { return }
        switch scheme {
        case .numbered, .olddir:
            shiftNumbered()
            moveLive(
                to: (scheme == .olddir ? root + "/archive" : root + "/logs") + "/app.jsonl.1",
                number: 1,
                inode: info.st_ino
            )
        case .dateext:
            moveLive(to: root + "/logs/app.jsonl-\(takeDate())", number: nil, inode: info.st_ino)
        case .extension_:
            moveLive(to: root + "/logs/app-\(takeDate()).jsonl", number: nil, inode: info.st_ino)
        case .copytruncate:
            shiftNumbered()
            copyAndTruncateLive(to: root + "/logs/app.jsonl.1")
        }
    }

    /// Compresses the oldest plain rotated file that no writer holds, as logrotate does: the `.gz` is written at its
    /// final name (in two writes, so that a reader may see it half written), then the plain file is removed.
    func compressOldest() throws {
        guard let index = rotated.firstIndex(where: { !$0.isCompressed && !isHeld($0) }) else { return }
        let source = rotated[index].path
        let plain = try Data(contentsOf: URL(fileURLWithPath: source))
        let compressed = try Deflater.gzip(plain)
        let fd = open(source + ".gz", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        precondition(fd >= 0, "create \(source).gz")
        let half = compressed.count / 2
        compressed.withUnsafeBytes { bytes in
            precondition(Glibc.write(fd, bytes.baseAddress, half) == half)
            precondition(Glibc.write(fd, bytes.baseAddress! + half, bytes.count - half) == bytes.count - half)
        }
        close(fd)
        unlink(source)
        updateRotated(index, path: source + ".gz", isCompressed: true)
    }

    /// Deletes the oldest rotated file that no writer holds, whose events were all delivered and that was rotated
    /// before `rotatedBefore` (retention: long after rotation, when a running shipper has had time to look).
    func deleteOldest(delivered: Set<Int>, rotatedBefore: ContinuousClock.Instant) {
        guard let index = rotated.firstIndex(where: { !isHeld($0) }),
            rotated[index].ids.allSatisfy(delivered.contains), rotated[index].rotatedAt < rotatedBefore
        else { return }
        unlink(rotated[index].path)
        removeRotated(index)
    }

    // MARK: Parts

    private func isHeld(_ file: Rotated) -> Bool { writer == .holding && file.inode == heldFileInode }

    private func takeDate() -> Int {
        defer { advanceDate() }
        return currentDate
    }

    private func shiftNumbered() {
        for index in rotated.indices.sorted(by: { (rotated[$0].number ?? 0) > (rotated[$1].number ?? 0) }) {
            guard let number = rotated[index].number else { continue }
            let old = rotated[index].path
            let suffix = rotated[index].isCompressed ? ".gz" : ""
            let base = String(old.dropLast(suffix.count + String(number).count))
            let new = base + String(number + 1) + suffix
            precondition(rename(old, new) == 0, "rename \(old)")
            updateRotated(index, path: new, number: number + 1)
        }
    }

    private func moveLive(to path: String, number: Int?, inode: ino_t) {
        precondition(rename(log, path) == 0, "rename \(log) \(path)")
        addRotated(Rotated(path: path, ids: takeLiveIds(), inode: inode, number: number))
        close(open(log, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644))  // `create`
    }

    private func copyAndTruncateLive(to path: String) {
        let data = FileManager.default.contents(atPath: log) ?? Data()
        precondition(FileManager.default.createFile(atPath: path, contents: data))
        precondition(truncate(log, 0) == 0)
        var info = stat()
        stat(path, &info)
        addRotated(Rotated(path: path, ids: takeLiveIds(), inode: info.st_ino, number: 1))
    }
}
