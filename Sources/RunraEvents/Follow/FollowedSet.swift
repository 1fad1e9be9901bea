#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One followed log and its rotated files, under any of logrotate's names and in any `olddir` (``LogFiles``): the
/// files known by content, oldest first, each read to its end before the next.
final class FollowedSet {
    let basePath: String
    private let logFiles: LogFiles
    /// The files to read or kept for the checkpoint, oldest first.
    private(set) var files: [FollowedFile] = []
    private var scans = 0
    /// Fingerprints of rotated files not held open, by device and inode, valid while their size and modification
    /// time are unchanged (a truncated and rewritten file can have its old size again).
    private var fingerprints: [FileKey: (size: Int64, modified: timespec, fingerprint: String, isCompressed: Bool)] =
        [:]

    private struct FileKey: Hashable {
        var device: UInt64
        var inode: UInt64

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    init(basePath: String, olddirs: [String] = []) {
        self.basePath = basePath
        logFiles = LogFiles(basePath: basePath, olddirs: olddirs)
    }

    /// Looks at the set's files now: notes where the known ones are, and opens the new ones (resuming where
    /// `resume` says for content seen by an earlier run). Called between reads, also while reading waits.
    func scan(resume: (String) -> LiveLogReader.Resume?, maximumLineBytes: Int) {
        scans += 1
        var seenKeys = Set<FileKey>()
        for entry in logFiles.entries() where !entry.isUnreadable {
            let (path, info) = (entry.path, entry.info)
            seenKeys.insert(FileKey(info))
            if let file = files.first(where: { !$0.isFinished && $0.holds(info) }) {
                file.seen(at: path, info: info, scan: scans)
                continue
            }
            let isLive = entry.isLive
            let descriptor: Int32
            let identity: (fingerprint: String, isCompressed: Bool)
            if !isLive, let cached = cachedIdentity(of: info) {
                identity = (cached.fingerprint, cached.isCompressed)
                if let known = files.first(where: { $0.fingerprint == identity.fingerprint }) {
                    known.lastSeenScan = scans
                    continue
                }
                guard let opened = Self.openChecked(path, as: info) else { continue }
                descriptor = opened
            } else {
                guard let opened = Self.openChecked(path, as: info) else { continue }
                descriptor = opened
                guard let found = FollowedFile.fingerprint(of: descriptor, acceptsPartial: !isLive) else {
                    close(descriptor)  // too young: no whole first line yet
                    continue
                }
                identity = found
                if !isLive { remember(found, of: info) }
                if let known = files.first(where: { $0.fingerprint == identity.fingerprint }) {
                    // The same content under another name: a copy (copytruncate) or the compressed form.
                    known.lastSeenScan = scans
                    close(descriptor)
                    continue
                }
            }
            let point = resume(identity.fingerprint)
            if let point, point.isComplete {
                close(descriptor)
                let file = FollowedFile(
                    fingerprint: identity.fingerprint,
                    path: path,
                    descriptor: -1,
                    info: info,
                    isCompressed: identity.isCompressed,
                    resumeOffset: point.offset,
                    resumeLine: point.line,
                    maximumLineBytes: maximumLineBytes
                )
                file.abandon()
                file.lastSeenScan = scans
                files.append(file)
                continue
            }
            let file = FollowedFile(
                fingerprint: identity.fingerprint,
                path: path,
                descriptor: descriptor,
                info: info,
                isCompressed: identity.isCompressed,
                resumeOffset: point?.offset ?? 0,
                resumeLine: point?.line ?? 0,
                maximumLineBytes: maximumLineBytes
            )
            file.seen(at: path, info: info, scan: scans)
            files.append(file)
        }
        fingerprints = fingerprints.filter { seenKeys.contains($0.key) }
    }

    /// Whether `file`'s content was found in the set by the latest scan (under any name, in any form).
    func isPresent(_ file: FollowedFile) -> Bool { file.lastSeenScan == scans }

    /// Whether the latest scan found the open file itself under one of the set's names: until it leaves the
    /// set, a rotated plain file may still get lines (a writer that has not reopened its log yet).
    func isHeld(_ file: FollowedFile) -> Bool { file.lastHeldScan == scans }

    /// Whether the latest scan found the open file itself under the log's own name: not rotated away yet.
    func isLive(_ file: FollowedFile) -> Bool { isHeld(file) && file.path == basePath }

    /// For a plain file that was truncated: the copy `copytruncate` made of it (same content, another file, plain
    /// or compressed), opened, when the set holds one.
    ///
    /// Looks newest first (the copy is almost always `.1` or `.1.gz`). A rotation may be renaming or compressing
    /// the set meanwhile; when a listed name vanished before it was looked at, the set is listed again (at most
    /// three times). `nil` can still mean "not yet": callers give the copy a moment to appear.
    func copy(of file: FollowedFile) -> (descriptor: Int32, path: String, info: stat, isCompressed: Bool)? {
        for _ in 0..<3 {
            var setChanged = false
            for entry in logFiles.entries().reversed() where !entry.isLive && !entry.isUnreadable {
                let path = entry.path
                var info = stat()
                guard stat(path, &info) == 0 else {
                    setChanged = true
                    continue
                }
                if file.holds(info) { continue }
                if let cached = cachedIdentity(of: info), cached.fingerprint != file.fingerprint { continue }
                guard let descriptor = Self.openChecked(path, as: info) else {
                    setChanged = true
                    continue
                }
                if let found = FollowedFile.fingerprint(of: descriptor, acceptsPartial: true) {
                    remember(found, of: info)
                    if found.fingerprint == file.fingerprint { return (descriptor, path, info, found.isCompressed) }
                }
                close(descriptor)
            }
            if !setChanged { return nil }
        }
        return nil
    }

    /// `path` opened for reading, when it is still the file `info` describes. Rotation may rename another file to
    /// the name between the look and the open; the open descriptor would then belong to another file than the
    /// device and inode it is known by, and one file's content would be read as another's (found by
    /// `RotationModelTests`: a live file rotated just then was never read). `nil` then: the next scan looks again.
    static func openChecked(_ path: String, as info: stat) -> Int32? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var opened = stat()
        guard fstat(descriptor, &opened) == 0, opened.st_dev == info.st_dev, opened.st_ino == info.st_ino else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// The fingerprint a scan took of the rotated file `info` describes, while its size and modification time
    /// are unchanged.
    private func cachedIdentity(of info: stat) -> (fingerprint: String, isCompressed: Bool)? {
        guard let cached = fingerprints[FileKey(info)], cached.size == Int64(info.st_size),
            cached.modified.tv_sec == info.st_mtim.tv_sec, cached.modified.tv_nsec == info.st_mtim.tv_nsec
        else { return nil }
        return (cached.fingerprint, cached.isCompressed)
    }

    /// Keeps the fingerprint of the rotated file `info` describes, for ``cachedIdentity(of:)``.
    private func remember(_ identity: (fingerprint: String, isCompressed: Bool), of info: stat) {
        fingerprints[FileKey(info)] = (Int64(info.st_size), info.st_mtim, identity.fingerprint, identity.isCompressed)
    }

    /// Forgets the oldest finished files that the set no longer holds (deleted by rotation after they were read),
    /// keeping the newest `keeping` of them: their content may still come back under another name (a copy
    /// compressed after its source was removed), and must then be known.
    func forgetOld(keeping: Int = 100) {
        let gone = files.filter { $0.isFinished && !isPresent($0) }
        guard gone.count > keeping else { return }
        let forgotten = Set(gone.prefix(gone.count - keeping).map(ObjectIdentifier.init))
        files.removeAll { forgotten.contains(ObjectIdentifier($0)) }
    }
}
