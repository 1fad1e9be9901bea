import Foundation
import Testing

@testable import RunraEvents

/// The follower driven poll by poll: no timing, each change of file made between two polls.
@Suite struct TailFileFollowerTests {
    final class Fixture {
        let directory: URL
        let path: String
        var lines: [String] = []
        var notices: [String] = []
        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("follow-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            path = directory.appendingPathComponent("app.jsonl").path
        }
        deinit { try? FileManager.default.removeItem(at: directory) }

        func write(_ text: String, append: Bool = true) throws {
            let flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
            let descriptor = open(path, flags, 0o644)
            #expect(descriptor >= 0)
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            try handle.write(contentsOf: Data(text.utf8))
        }

        func poll(_ follower: FileFollower) throws {
            try follower.poll(
                { line in
                    switch line {
                    case .line(let bytes, _, _): self.lines.append(String(decoding: bytes, as: UTF8.self))
                    case .overlong: self.lines.append("<overlong>")
                    }
                },
                onNotice: { self.notices.append($0) }
            )
        }
    }

    @Test func renameRotationFinishesTheOldFileIncludingItsUnterminatedLastLine() throws {
        let fixture = try Fixture()
        try fixture.write("a\nb")
        let follower = FileFollower(
            path: fixture.path,
            fileDescriptor: open(fixture.path, O_RDONLY),
            offset: 0,
            maximumLineBytes: 100
        )
        try fixture.poll(follower)
        #expect(fixture.lines == ["a"])  // "b" has no newline yet
        try FileManager.default.moveItem(atPath: fixture.path, toPath: fixture.path + ".1")
        let old = FileHandle(forWritingAtPath: fixture.path + ".1")!
        old.seekToEndOfFile()
        old.write(Data("c\nd".utf8))  // written to the old file after the rename
        try old.close()
        try fixture.write("e\n", append: false)
        try fixture.poll(follower)
        #expect(fixture.lines == ["a", "bc", "d", "e"])
        #expect(fixture.notices.count == 1 && fixture.notices[0].contains("replaced"))
    }

    @Test func truncationRereadsFromTheStartAndDropsTheHeldPartialLine() throws {
        let fixture = try Fixture()
        try fixture.write("first line\nsecond line\nparti")
        let follower = FileFollower(
            path: fixture.path,
            fileDescriptor: open(fixture.path, O_RDONLY),
            offset: 11,
            maximumLineBytes: 100
        )
        try fixture.poll(follower)
        #expect(fixture.lines == ["second line"])
        try fixture.write("x\n", append: false)
        try fixture.poll(follower)
        #expect(fixture.lines == ["second line", "x"])
        #expect(
            fixture.notices == [
                "\(fixture.path): file truncated; reading it again from the start (an incomplete last line was dropped)"
            ]
        )
        try fixture.write("y\n")
        try fixture.poll(follower)
        #expect(fixture.lines == ["second line", "x", "y"])
    }

    @Test func deletionWaitsForTheNameToComeBack() throws {
        let fixture = try Fixture()
        try fixture.write("a\n")
        let follower = FileFollower(
            path: fixture.path,
            fileDescriptor: open(fixture.path, O_RDONLY),
            offset: 0,
            maximumLineBytes: 100
        )
        try fixture.poll(follower)
        try FileManager.default.removeItem(atPath: fixture.path)
        try fixture.poll(follower)
        try fixture.poll(follower)
        #expect(fixture.notices.count == 1 && fixture.notices[0].contains("inaccessible"))
        try fixture.write("b\n")
        try fixture.poll(follower)
        try fixture.poll(follower)
        #expect(fixture.lines == ["a", "b"])
    }

    @Test func aFileThatDoesNotExistYetIsReadFromItsStartWhenItAppears() throws {
        let fixture = try Fixture()
        let follower = FileFollower(path: fixture.path, fileDescriptor: -1, offset: 0, maximumLineBytes: 4)
        try fixture.poll(follower)
        #expect(fixture.lines.isEmpty)
        try fixture.write("\u{FEFF}ab\ntoo long\ncd\n")
        try fixture.poll(follower)
        #expect(fixture.lines == ["ab", "<overlong>", "cd"])
        #expect(fixture.notices.last?.contains("appeared") == true)
    }
}
