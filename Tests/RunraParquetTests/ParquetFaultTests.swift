import Foundation
import RunraParquet
import Testing

@testable import RunraParquet

/// I/O failures throw a ParquetError naming the path, never trap; abandon() after one is safe.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ParquetFaultTests {
    static let schema = ParquetSchema([
        ParquetColumn(name: "payload", kind: .string),
        ParquetColumn(name: "n", kind: .int64, dictionary: true),
    ])

    @Test func missingDirectory() throws {
        let path = NSTemporaryDirectory() + "runra-no-such-dir-\(UUID().uuidString)/x.parquet"
        do {
            _ = try ParquetWriter(path: path, schema: Self.schema, options: ParquetWriterOptions())
            Issue.record("created \(path)")
        } catch let error as ParquetError {
            #expect(error.code == .create)
            #expect(error.errno == ENOENT)
            #expect(error.description.contains(path))
            #expect(error.description.contains("create the directory"))
        }
    }

    @Test func pathThroughAFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path + "/plain-file"
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let path = file + "/x.parquet"
        #expect(throws: ParquetError.self) {
            _ = try ParquetWriter(path: path, schema: Self.schema, options: ParquetWriterOptions())
        }
    }

    @Test func existingFileIsNotOverwritten() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/taken.parquet"
        FileManager.default.createFile(atPath: path, contents: Data("keep".utf8))
        do {
            _ = try ParquetWriter(path: path, schema: Self.schema, options: ParquetWriterOptions())
            Issue.record("overwrote \(path)")
        } catch let error as ParquetError {
            #expect(error.errno == EEXIST && error.description.contains(path))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep")
    }

    /// /dev/full: every write fails with ENOSPC, like a full disk.
    @Test func fullDiskThroughDevFull() throws {
        let fd = open("/dev/full", O_WRONLY | O_CLOEXEC)
        try #require(fd >= 0, "cannot open /dev/full")
        do {
            _ = try ParquetWriter(
                descriptor: fd,
                path: "/dev/full",
                schema: Self.schema,
                options: ParquetWriterOptions()
            )
            Issue.record("writing the magic to /dev/full succeeded")
        } catch let error as ParquetError {
            #expect(error.code == .io && error.errno == ENOSPC && error.description.contains("/dev/full"))
        }
    }

    /// A 1 MiB tmpfs (root can mount one): rows are written until ENOSPC, which endRow() or close() throws;
    /// abandon() afterwards is safe, and so is calling it twice.
    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root")) func fullDiskOnTmpfs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let mountPoint = directory.path + "/small"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]
        try mount.run()
        mount.waitUntilExit()
        try #require(mount.terminationStatus == 0, "mount -t tmpfs failed (fullDiskThroughDevFull covers ENOSPC)")
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint]
            try? umount.run()
            umount.waitUntilExit()
        }
        let path = mountPoint + "/full.parquet"
        let writer = try ParquetWriter(
            path: path,
            schema: Self.schema,
            options: ParquetWriterOptions(compression: .none, rowGroupBytes: 64 << 10)
        )
        var random = SplitMix64(seed: 42)
        var thrown: ParquetError?
        do {
            for i in 0..<100_000 {
                var bytes = [UInt8](repeating: 0, count: 100)
                for j in bytes.indices { bytes[j] = UInt8(truncatingIfNeeded: random.next()) }
                bytes.withUnsafeBytes { writer.append($0) }
                writer.append(Int64(i % 5))
                try writer.endRow()
            }
            _ = try writer.close()
        } catch let error as ParquetError {
            thrown = error
        }
        let error = try #require(thrown, "10 MB went into a 1 MiB tmpfs without an error")
        #expect(error.errno == ENOSPC)
        #expect(error.description.contains(path))
        writer.appendNull()
        writer.appendNull()
        #expect(throws: ParquetError.self) { try writer.endRow() }  // the same failure again, not a trap
        writer.abandon()
        writer.abandon()
    }

    @Test func abandonWithoutFooter() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/abandoned.parquet"
        let writer = try ParquetWriter(path: path, schema: Self.schema, options: ParquetWriterOptions())
        writer.append(ArraySlice(Array("x".utf8)))
        writer.appendNull()
        try writer.endRow()
        writer.abandon()
        writer.abandon()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("PAR1".utf8))
        #expect(throws: ParquetError.self) { _ = try writer.close() }
    }
}
