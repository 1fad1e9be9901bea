import Foundation
import RunraTestSupport
import Testing

@testable import RunraEvents

/// Block gzip (``BlockGzip``): what ``BlockGzipWriter`` writes, that other gzip readers read it, and that the parallel
/// reader (``BlockGzipInflater`` inside ``ByteSource``) gives the same bytes and errors as the sequential one.
@Suite(.timeLimit(.minutes(5))) struct BlockGzipTests {
    /// `count` generated events, in time order, as JSONL.
    static func events(_ count: Int, seed: UInt64 = 11) -> [UInt8] {
        let generator = EventLogGenerator(seed: seed)
        var bytes: [UInt8] = []
        for _ in 0..<count { bytes += generator.nextLine() }
        return bytes
    }

    static func blockGzip(
        _ bytes: [UInt8],
        memberBytes: Int = 16 * 1024,
        level: Int = 6,
        threads: Int = 2,
        pieceBytes: Int = 7_777
    ) throws -> [UInt8] {
        var output: [UInt8] = []
        let writer = try BlockGzipWriter(level: level, targetMemberBytes: memberBytes, threads: threads) {
            output.append(contentsOf: $0)
        }
        // Odd pieces, so that members are cut inside what one write gets.
        var position = 0
        while position < bytes.count {
            let end = min(bytes.count, position + pieceBytes)
            try bytes[position..<end].withUnsafeBytes { try writer.write($0) }
            position = end
        }
        try writer.finish()
        return output
    }

    /// Everything a ``ByteSource`` reads from `path`, `chunk` bytes at a time, and the error that ended it.
    static func readAll(_ path: String, chunk: Int = 1 << 20) -> (bytes: [UInt8], error: String?) {
        var bytes: [UInt8] = []
        do {
            let source = try ByteSource(path: path)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let count = try source.read(into: buffer)
                if count == 0 { break }
                bytes += UnsafeRawBufferPointer(rebasing: buffer[..<count])
            }
        } catch {
            return (bytes, (error as? RunraError)?.message ?? "\(error)")
        }
        return (bytes, nil)
    }

    /// The offsets of the data members, walking the headers from the start.
    static func memberOffsets(_ file: [UInt8]) -> [(offset: Int, member: BlockGzip.Member)] {
        var result: [(Int, BlockGzip.Member)] = []
        var offset = 0
        while offset + BlockGzip.memberHeaderSize <= file.count {
            guard
                let member = file.withUnsafeBytes({
                    BlockGzip.parseMemberHeader(UnsafeRawBufferPointer(rebasing: $0[offset...]))
                })
            else { break }
            result.append((offset, member))
            offset += member.size
        }
        return result
    }

    /// The same file with every data member's subfield id changed, so that only the sequential reader reads it.
    static func disguised(_ file: [UInt8]) -> [UInt8] {
        var copy = file
        for (offset, _) in memberOffsets(file) { copy[offset + 13] = UInt8(ascii: "X") }
        return copy
    }

    @Test func membersHoldWholeLinesAndTheHeadersIndexThem() throws {
        let input = Self.events(3000)
        let file = try Self.blockGzip(input)
        let members = Self.memberOffsets(file)
        #expect(members.count > 20)
        var position = 0
        var previousSize = 0
        for (index, (offset, member)) in members.enumerated() {
            #expect(member.previousSize == previousSize)
            previousSize = member.size
            let isLast = index == members.count - 1
            if !isLast { #expect(member.uncompressedSize >= 16 * 1024 && member.uncompressedSize < 16 * 1024 + 4096) }
            let decoded = try file[offset..<(offset + member.size)].withUnsafeBytes {
                try Inflater().decompressAll($0, inputChunk: 1 << 20, outputChunk: 1 << 20)
            }
            #expect(decoded.failure == nil)
            let expected = Array(input[position..<(position + member.uncompressedSize)])
            let same = decoded.output == expected
            #expect(same)
            #expect(expected.last == 0x0A)
            #expect(member.lineCount == expected.filter { $0 == 0x0A }.count)
            // The time range is that of the member's events.
            let times = expected.split(separator: 0x0A).map { line -> Int64 in
                let object = try! JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
                return Timestamp(rfc3339: object["timestamp"] as! String)!.nanosecondsSinceEpoch
            }
            #expect(member.earliest == times.min() && member.latest == times.max())
            position += member.uncompressedSize
        }
        #expect(position == input.count)
        let trailerStart = members.last!.offset + members.last!.member.size
        #expect(file.count - trailerStart == BlockGzip.trailerSize)
        let trailer = file[trailerStart...].withUnsafeBytes { BlockGzip.parseTrailer($0) }
        #expect(trailer?.lastMemberOffset == Int64(members.last!.offset))
        #expect(trailer?.memberCount == members.count)
        #expect(trailer?.lineCount == input.filter { $0 == 0x0A }.count)
    }

    /// Members are compressed side by side and emitted in order: the file is the one a single thread writes, byte
    /// for byte, however the input is split and whatever is left for the last round (a last line without a newline
    /// included).
    @Test(arguments: [(2, 7_777), (3, 1), (4, 100_000), (3, 16 * 1024)])
    func compressingMembersSideBySideWritesTheSameFile(threads: Int, pieceBytes: Int) throws {
        var lines = Self.events(800)
        let expected = try Self.blockGzip(lines, threads: 1)
        let parallel = try Self.blockGzip(lines, threads: threads, pieceBytes: pieceBytes)
        let same = parallel == expected
        #expect(same, "\(parallel.count) bytes against \(expected.count)")
        lines += Array(#"{"id":"evt_last","timestamp":"2026-06-15T10:30:00Z","type":"x"}"#.utf8)
        let unterminated = try Self.blockGzip(lines, memberBytes: 4096, threads: threads, pieceBytes: pieceBytes)
        let sameUnterminated = try unterminated == Self.blockGzip(lines, memberBytes: 4096, threads: 1)
        #expect(sameUnterminated)
        #expect(Self.memberOffsets(unterminated).count > 2 * threads)
    }

    @Test func aMemberWithALineThatIsNotATimedEventIsNeverSkipped() throws {
        let lines = #"{"type":"a","timestamp":"2026-01-01T00:00:00Z"}"# + "\n" + #"{"type":"b"}"# + "\n"
        let members = Self.memberOffsets(try Self.blockGzip(Array(lines.utf8)))
        #expect(members.count == 1)
        #expect(members[0].member.earliest == .min && members[0].member.latest == .max)
        let timed = Self.memberOffsets(try Self.blockGzip(Array(lines.utf8.prefix(48))))
        #expect(timed[0].member.earliest == timed[0].member.latest && timed[0].member.earliest != .min)
    }

    @Test func gzipAndZcatReadTheFileAsTheLines() throws {
        let input = Self.events(2000)
        let file = try TemporaryFile(Data(try Self.blockGzip(input)), suffix: ".jsonl.gz")
        let test = Process()
        test.executableURL = URL(fileURLWithPath: "/bin/gzip")
        test.arguments = ["-t", file.path]
        try test.run()
        try test.waitForExit()
        #expect(test.terminationStatus == 0)
        let zcat = Process()
        zcat.executableURL = URL(fileURLWithPath: "/bin/gzip")
        zcat.arguments = ["-dc", file.path]
        let output = Pipe()
        zcat.standardOutput = output
        try zcat.run()
        let decoded = output.fileHandleForReading.readDataToEndOfFile()
        try zcat.waitForExit()
        let same = Array(decoded) == input
        #expect(same)
    }

    @Test func compressesWithinThreePercentOfGzipSix() throws {
        let input = Self.events(16_000)
        let ours = try Self.blockGzip(input, memberBytes: BlockGzip.targetMemberBytes)
        // gzip -6 from a file (`gzipped` writes all of its input before reading, which suits small inputs only).
        let plain = try TemporaryFile(Data(input))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-6", "-n", "-c", plain.path]
        let output = Pipe()
        gzip.standardOutput = output
        try gzip.run()
        let reference = output.fileHandleForReading.readDataToEndOfFile()
        try gzip.waitForExit()
        #expect(Self.memberOffsets(ours).count >= 4)
        #expect(Double(ours.count) <= Double(reference.count) * 1.03, "\(ours.count) vs gzip -6 \(reference.count)")
    }

    @Test(arguments: [1 << 20, 4096, 1])
    func theParallelReaderGivesTheLines(chunk: Int) throws {
        let input = Self.events(chunk == 1 ? 300 : 3000)
        let file = try TemporaryFile(
            Data(try Self.blockGzip(input, memberBytes: chunk == 1 ? 2048 : 16 * 1024)),
            suffix: ".gz"
        )
        let read = Self.readAll(file.path, chunk: chunk)
        #expect(read.error == nil)
        let same = read.bytes == input
        #expect(same, "\(read.bytes.count) bytes read, \(input.count) written")
    }

    /// `file` damaged in each way a reader has to notice, by name.
    static func damages(of file: [UInt8]) -> [(String, [UInt8])] {
        let members = memberOffsets(file)
        let middle = members[members.count / 2]
        var damages: [(String, [UInt8])] = []
        var flipped = file
        flipped[middle.offset + middle.member.size / 2] ^= 0x55
        damages.append(("a byte of deflate data flipped", flipped))
        var wrongSize = file
        wrongSize[middle.offset + 24] &+= 1
        damages.append(("an uncompressed size one too large", wrongSize))
        var wrongMemberSize = file
        wrongMemberSize[middle.offset + 16] &+= 3
        damages.append(("a member size three too large", wrongMemberSize))
        var wrongCRC = file
        wrongCRC[middle.offset + middle.member.size - 8] ^= 0xFF
        damages.append(("a wrong CRC-32", wrongCRC))
        damages.append(("cut inside a member", Array(file[..<(middle.offset + middle.member.size / 3)])))
        damages.append(("cut inside a header", Array(file[..<(middle.offset + 20)])))
        damages.append(("cut at a member's end", Array(file[..<middle.offset])))
        damages.append(("cut inside the trailer", Array(file.dropLast(5))))
        damages.append(("no trailer", Array(file.dropLast(BlockGzip.trailerSize))))
        damages.append(("garbage after the trailer", file + [0x41, 0x42, 0x43]))
        return damages
    }

    /// Each damage, read in parallel and (disguised) sequentially: the same bytes before the same error.
    @Test func damagedFilesReadAsTheSequentialReaderReadsThem() throws {
        let input = Self.events(3000)
        let file = try Self.blockGzip(input)
        let members = Self.memberOffsets(file)
        let middle = members[members.count / 2]
        var flipped = file
        flipped[middle.offset + middle.member.size / 2] ^= 0x55
        for (what, damaged) in Self.damages(of: file) {
            // One path for both, since messages name the file.
            let file = try TemporaryFile(Data(Self.disguised(damaged)), suffix: ".gz")
            let expected = Self.readAll(file.path)
            try Data(damaged).write(to: URL(fileURLWithPath: file.path))
            let got = Self.readAll(file.path)
            #expect(got.error == expected.error, "\(what)")
            // Where both handed out bytes they agree. (They may hand out different amounts before an error: a read
            // that ends in an error loses what it decoded, and the parallel reader decodes whole members first.)
            let common = min(got.bytes.count, expected.bytes.count)
            let agree = got.bytes[..<common] == expected.bytes[..<common]
            #expect(agree, "\(what): \(got.bytes.count) bytes vs \(expected.bytes.count)")
            if expected.error == nil {
                #expect(got.bytes.count == expected.bytes.count, "\(what)")
            }
        }
        // Every member before the damaged one comes out whole.
        let before = members.prefix { $0.offset < middle.offset }.reduce(0) { $0 + $1.member.uncompressedSize }
        let flippedRead = try TemporaryFile(Data(flipped), suffix: ".gz")
        let flippedBytes = Self.readAll(flippedRead.path).bytes
        let wholeMembers = flippedBytes.count >= before && flippedBytes[..<before] == input[..<before]
        #expect(wholeMembers, "\(flippedBytes.count) bytes before the damage, \(before) expected")
        // The damage is noticed at all (the comparison above is not between two readers that ignore it).
        let flippedFile = try TemporaryFile(Data(flipped), suffix: ".gz")
        #expect(Self.readAll(flippedFile.path).error?.contains("corrupt gzip data") == true)
    }

    /// What the pipeline reads from `path`: the ids in order, the bad lines and the errors that ended the input.
    static func pipelineRead(_ path: String) throws -> (ids: [String], badLines: [String], errors: [String]) {
        var ids: [String] = []
        var badLines: [String] = []
        let summary = try EventBatchReader(paths: [path]).forEachBatch(
            batchSize: 500,
            transform: { $0.id ?? "" },
            onBadLine: { badLines.append("\($0.lineNumber): \($0.reason)") },
            body: { batch in
                ids += batch
                return true
            }
        )
        return (ids, badLines, summary.inputErrors.map(\.message))
    }

    /// The pipeline makes each decoded member of whole lines a chunk as it is, without a copy (and copies one whose
    /// last line has no newline). Whole, damaged, and with a last line without its newline, a file gives the same
    /// events, bad lines and errors as when (disguised) the sequential reader reads it.
    @Test func thePipelineReadsBlockGzipAsTheSequentialReaderDoes() throws {
        let last = #"{"id":"evt_last","timestamp":"2026-06-15T10:30:00.000Z","type":"x","data":{}}"#
        let input = Self.events(3000) + Array("{not json}\n".utf8) + Self.events(500, seed: 12) + Array(last.utf8)
        let file = try Self.blockGzip(input)
        for (what, bytes) in [("whole", file)] + Self.damages(of: file) {
            let path = try TemporaryFile(Data(Self.disguised(bytes)), suffix: ".gz")
            let expected = try Self.pipelineRead(path.path)
            try Data(bytes).write(to: URL(fileURLWithPath: path.path))
            let got = try Self.pipelineRead(path.path)
            #expect(got.errors == expected.errors, "\(what)")
            let common = min(got.ids.count, expected.ids.count)
            #expect(
                got.ids[..<common] == expected.ids[..<common],
                "\(what): \(got.ids.count) events vs \(expected.ids.count)"
            )
            if expected.errors.isEmpty {
                #expect(
                    got.ids == expected.ids && got.badLines == expected.badLines,
                    "\(what): \(got.badLines) vs \(expected.badLines)"
                )
            }
            if what == "whole" {
                #expect(got.ids.count == 3501 && got.ids.last == "evt_last" && got.errors.isEmpty)
                #expect(got.badLines == ["3001: invalid JSON: expected a string key at byte 2"], "\(got.badLines)")
            }
        }
    }

    /// Members before `--since` are skipped unread: their deflate data is destroyed, and nothing notices.
    @Test func membersOutsideSinceAreSkippedUnreadAndLinesKeepTheirNumbers() throws {
        var input = Self.events(3000)
        // A bad line late in the input: its number must be the same as in the plain file.
        let badLine = Array("{\"type\": oops}\n".utf8)
        let lastNewlines = input.indices.filter { input[$0] == 0x0A }
        input.insert(contentsOf: badLine, at: lastNewlines[lastNewlines.count - 40] + 1)
        let file = try Self.blockGzip(input)
        let members = Self.memberOffsets(file)
        let keptFrom = members.count - 3
        let since = Timestamp(nanosecondsSinceEpoch: members[keptFrom].member.earliest)
        var damaged = file
        for (offset, member) in members[..<keptFrom] where member.latest < since.nanosecondsSinceEpoch {
            for index in (offset + BlockGzip.memberHeaderSize)..<(offset + member.size - 8) { damaged[index] = 0xFF }
        }
        let plain = try TemporaryFile(Data(input))
        let gz = try TemporaryFile(Data(damaged), suffix: ".gz")
        var selection = EventSelection()
        selection.since = since
        let filter = EventFilter(selection: selection)
        let expected = try FilterRun.run(filter, paths: [plain.path])
        let got = try FilterRun.run(filter, paths: [gz.path])
        #expect(got.summary.read.inputErrors.isEmpty)
        #expect(got.output == expected.output)
        #expect(!got.output.isEmpty)
        #expect(got.badLines.map(\.lineNumber) == expected.badLines.map(\.lineNumber))
        #expect(got.badLines.count == 1)
        // Without --since the destroyed members are read, and reported.
        let all = try FilterRun.run(EventFilter(selection: EventSelection()), paths: [gz.path])
        #expect(!all.summary.read.inputErrors.isEmpty)
    }

    /// `tail` of `path`: the output lines, the bad lines, and the error that ended the read.
    static func tail(
        _ path: String,
        count: Int,
        types: [String] = []
    ) throws -> (lines: [String], bad: [BadLine], error: String?) {
        let output = try TemporaryFile("")
        let descriptor = open(output.path, O_WRONLY | O_TRUNC)
        defer { close(descriptor) }
        var tail = EventTail(selection: EventSelection())
        tail.count = count
        tail.selection.types = types.map { Glob($0) }
        var bad: [BadLine] = []
        let writer = ByteWriter(fileDescriptor: descriptor)
        var failure: String?
        do {
            let summary = try tail.run(path: path, output: writer, onBadLine: { bad.append($0) })
            failure = summary.read.inputErrors.first?.message
        } catch {
            failure = (error as? RunraError)?.message ?? "\(error)"
        }
        try writer.flush()
        let text = try String(contentsOfFile: output.path, encoding: .utf8)
        return (text.split(separator: "\n").map(String.init), bad, failure)
    }

    /// `tail -n` reads only the last members: the others are destroyed, and nothing notices. Bad lines keep their
    /// numbers.
    @Test(arguments: [1, 10, 400])
    func tailReadsTheLastMembersOnly(count: Int) throws {
        var input = Self.events(3000)
        var lines = input.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Array($0) }
        let badNumber = lines.count - 5
        lines.insert(Array("{\"type\": oops}".utf8), at: badNumber - 1)
        input = lines.flatMap { $0 + [0x0A] }
        let file = try Self.blockGzip(input)
        let members = Self.memberOffsets(file)
        var damaged = file
        for (offset, member) in members.dropLast(10) {
            for index in (offset + BlockGzip.memberHeaderSize)..<(offset + member.size - 8) { damaged[index] = 0xFF }
        }
        let gz = try TemporaryFile(Data(damaged), suffix: ".gz")
        let result = try Self.tail(gz.path, count: count)
        #expect(result.error == nil)
        let expected = lines.suffix(count + 1).filter { $0.first == UInt8(ascii: "{") && $0.count > 20 }.suffix(count)
            .map { String(decoding: $0, as: UTF8.self) }
        #expect(result.lines == Array(expected))
        // The bad line is the sixth line from the end: reached when six or more events are asked for.
        #expect(result.bad.map(\.lineNumber) == (count >= 6 ? [badNumber] : []))
        // The same file read forward (disguised) agrees on the bad line's number.
        let whole = try TemporaryFile(Data(Self.disguised(file)), suffix: ".gz")
        let forward = try Self.tail(whole.path, count: count)
        #expect(forward.lines == result.lines)
        #expect(forward.bad.map(\.lineNumber) == [badNumber])
    }

    /// A selection that reaches back over many members, and a damaged last member (read forward, as before).
    @Test func tailWalksBackAndFallsBackOnDamage() throws {
        let input = Self.events(3000)
        let file = try Self.blockGzip(input)
        let gz = try TemporaryFile(Data(file), suffix: ".gz")
        let plain = try TemporaryFile(Data(input))
        for types in [["sandbox.created"], ["no.such.type"]] {
            let got = try Self.tail(gz.path, count: 7, types: types)
            let expected = try Self.tail(plain.path, count: 7, types: types)
            #expect(got.lines == expected.lines && got.error == nil, "\(types)")
        }
        let members = Self.memberOffsets(file)
        var damaged = file
        damaged[members.last!.offset + members.last!.member.size / 2] ^= 0x55
        try Data(damaged).write(to: URL(fileURLWithPath: gz.path))
        let got = try Self.tail(gz.path, count: 3)
        try Data(Self.disguised(damaged)).write(to: URL(fileURLWithPath: gz.path))
        let expected = try Self.tail(gz.path, count: 3)
        #expect(got.error != nil && got.error == expected.error)
        // (Which events come before the error differs: the forward reader loses what its failing read decoded.)
        #expect(got.lines.count == 3)
    }
}
