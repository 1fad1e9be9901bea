import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A log on disk driven by a seeded random sequence of what writers and rotation do, and the model of it: which
/// events were written and where each file's events are (`RotationModelTests`, after Vector's model-based tests of
/// its file source).
///
/// The model is of what a shipper can deliver: every line written reaches a file that is never deleted before its
/// events were delivered, and a writer never appends to a file that compression or deletion took away.
final class RotationModel {
    /// How rotation names and moves files.
    enum Scheme: CaseIterable, CustomStringConvertible {
        case numbered, dateext, extension_, olddir, copytruncate

        /// The schemes the model test draws from. `copytruncate` is modelled but left out: its sequences still
        /// fail (rotations faster than the reader looks, with restarts in between, lose or repeat a generation;
        /// docs/replay.md, "Rotation schemes"). `RUNRA_SOAK_COPYTRUNCATE=1` puts it back.
        static var modelled: [Scheme] {
            ProcessInfo.processInfo.environment["RUNRA_SOAK_COPYTRUNCATE"] == "1"
                ? allCases : [.numbered, .dateext, .extension_, .olddir]
        }

        var description: String {
            switch self {
            case .numbered: "numbered"
            case .dateext: "dateext"
            case .extension_: "extension"
            case .olddir: "olddir"
            case .copytruncate: "copytruncate"
            }
        }
    }

    /// How the writer opens the log.
    enum Writer: CaseIterable {
        /// Opens, appends and closes for every write.
        case reopening
        /// Keeps the log open (`O_APPEND`) until told to reopen it.
        case holding
    }

    /// A file rotation made, with the events it holds.
    struct Rotated {
        var path: String
        var ids: [Int]
        var inode: ino_t
        /// The number of a numbered name.
        var number: Int?
        var isCompressed = false
        /// When rotation made it.
        var rotatedAt = ContinuousClock.now
    }

    let root: String
    let scheme: Scheme
    let writer: Writer
    var log: String { root + "/logs/app.jsonl" }
    /// Every event written, in order.
    private(set) var written: [Int] = []
    /// The rotated files, oldest first.
    private(set) var rotated: [Rotated] = []
    private var liveIds: [Int] = []
    private var heldDescriptor: Int32 = -1
    private var heldInode: ino_t = 0
    private var pendingPartial: (id: Int, rest: String)?
    private var nextId = 0
    private(set) var currentDate = 1_733_480_000

    init(root: String, scheme: Scheme, writer: Writer) throws {
        self.root = root
        self.scheme = scheme
        self.writer = writer
        try FileManager.default.createDirectory(atPath: root + "/logs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/archive", withIntermediateDirectories: true)
    }

    deinit { if heldDescriptor >= 0 { close(heldDescriptor) } }

    static func line(_ id: Int) -> String {
        #"{"id":"evt_\#(id)","timestamp":"2026-06-15T10:30:00.000Z","type":"exec.completed","data":{"n":\#(id)}}"#
            + "\n"
    }

    // MARK: Writing

    /// Appends `count` whole lines (completing a partial line first).
    func append(_ count: Int) {
        var text = completion()
        for _ in 0..<count {
            text += Self.line(nextId)
            record(nextId)
            nextId += 1
        }
        write(text)
    }

    /// Appends the first half of a line; the next write completes it.
    func appendPartial() {
        guard pendingPartial == nil else { return }
        let line = Self.line(nextId)
        let half = line.index(line.startIndex, offsetBy: line.count / 2)
        pendingPartial = (nextId, String(line[half...]))
        record(nextId)
        nextId += 1
        write(String(line[..<half]))
    }

    /// The holding writer reopens the log by name (after a signal).
    func reopen() {
        guard writer == .holding, heldDescriptor >= 0 else { return }
        write(completion())
        close(heldDescriptor)
        heldDescriptor = -1
    }

    /// Completes a partial line before rotation (a writer's line never spans two files).
    func completePartialLine() { write(completion()) }

    /// The inode the holding writer has open, or 0.
    var heldFileInode: ino_t { heldDescriptor >= 0 ? heldInode : 0 }

    func advanceDate() { currentDate += 1 }
    func addRotated(_ file: Rotated) { rotated.append(file) }
    func removeRotated(_ index: Int) { rotated.remove(at: index) }

    func updateRotated(_ index: Int, path: String, number: Int? = nil, isCompressed: Bool? = nil) {
        rotated[index].path = path
        if let number { rotated[index].number = number }
        if let isCompressed { rotated[index].isCompressed = isCompressed }
    }

    /// The live file's events, which rotation moves to a rotated file.
    func takeLiveIds() -> [Int] {
        defer { liveIds = [] }
        return liveIds
    }

    private func completion() -> String {
        guard let partial = pendingPartial else { return "" }
        pendingPartial = nil
        return partial.rest
    }

    private func record(_ id: Int) {
        written.append(id)
        if writer == .holding, heldDescriptor >= 0, let index = rotated.firstIndex(where: { $0.inode == heldInode }) {
            rotated[index].ids.append(id)
        } else {
            liveIds.append(id)
        }
    }

    private func write(_ text: String) {
        guard !text.isEmpty else { return }
        let descriptor: Int32
        if writer == .holding {
            if heldDescriptor < 0 {
                heldDescriptor = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
                var info = stat()
                fstat(heldDescriptor, &info)
                heldInode = info.st_ino
            }
            descriptor = heldDescriptor
        } else {
            descriptor = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        }
        let bytes = Array(text.utf8)
        precondition(bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } == bytes.count)
        if writer == .reopening { close(descriptor) }
    }
}
