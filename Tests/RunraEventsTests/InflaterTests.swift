import Foundation
import RunraTestSupport
import Testing

@testable import RunraEvents

/// The reader's ISA-L ``Inflater`` against the zlib reference (``ZlibInflater``) and against the original bytes:
/// our Deflater's and other programs' gzip, multi-member streams, damaged headers and trailers, truncation.
@Suite(.timeLimit(.minutes(5))) struct InflaterTests {
    /// (bytes in, bytes out) per call: byte at a time, odd small sizes, and the reader's own sizes.
    static let chunkings: [(Int, Int)] = [(1, 1), (7, 13), (1, 4096), (4096, 1), (512, 65536), (256 * 1024, 1 << 20)]

    /// Decompresses with both inflaters in every chunking; expects them to agree and returns ISA-L's result.
    @discardableResult
    static func decompressBoth(
        _ bytes: [UInt8],
        chunkings: [(Int, Int)] = chunkings,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> GzipDecompression {
        var first: GzipDecompression?
        // A byte at a time only over small inputs (debug builds are slow).
        for (input, output) in chunkings where bytes.count < 100_000 || min(input, output) > 1 {
            let (isal, zlib) = try bytes.withUnsafeBytes {
                (
                    try Inflater().decompressAll($0, inputChunk: input, outputChunk: output),
                    try ZlibInflater().decompressAll($0, inputChunk: input, outputChunk: output)
                )
            }
            #expect(
                isal.failure == zlib.failure,
                "chunks \(input)/\(output): \(isal.message ?? "-") vs \(zlib.message ?? "-")",
                sourceLocation: sourceLocation
            )
            if isal.failure == nil {
                #expect(isal.output == zlib.output, "chunks \(input)/\(output)", sourceLocation: sourceLocation)
            } else {
                let shorter = min(isal.output.count, zlib.output.count)
                #expect(
                    isal.output[..<shorter] == zlib.output[..<shorter],
                    "chunks \(input)/\(output)",
                    sourceLocation: sourceLocation
                )
            }
            if let first {
                #expect(first.failure == isal.failure, sourceLocation: sourceLocation)
            } else {
                first = isal
            }
        }
        return first!
    }

    /// Deterministic bytes: random (incompressible) runs mixed with repeated text (long matches).
    static func sample(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        let text = Array(#"{"type":"exec.completed","data":{"exitCode":0,"stdout":"ok\n"}}"#.utf8)
        while bytes.count < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let run = Int(z % 700)
            if z & 1 == 0 {
                bytes.append(
                    contentsOf: (0..<run).map { UInt8(truncatingIfNeeded: (z >> UInt64($0 % 56)) &+ UInt64($0)) }
                )
            } else {
                bytes.append(contentsOf: text.prefix(run))
            }
        }
        return Array(bytes.prefix(count))
    }

    /// The output of `program arguments` given `input` on standard input.
    static func run(_ program: String, _ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let file = try TemporaryFile(Data(input), suffix: ".bin")
        process.standardInput = FileHandle(forReadingAtPath: file.path)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let result = output.fileHandleForReading.readDataToEndOfFile()
        try process.waitForExit()
        return [UInt8](result)
    }

    static func gzipTrailerOffset(_ member: [UInt8]) -> Int { member.count - 8 }

    @Test(arguments: [0, 1, 100, 65_535, 65_536, 300_000, 2_500_000], [1, 6, 9])
    func ourDeflaterRoundTrips(size: Int, level: Int) throws {
        let data = Self.sample(size, seed: UInt64(size * 10 + level))
        let result = try Self.decompressBoth(try Deflater.gzip(data, level: level))
        #expect(result.failure == nil)
        #expect(result.output == data)
    }

    @Test(arguments: ["/bin/gzip", "/usr/bin/pigz", "/usr/bin/igzip"])
    func otherProgramsGzipRoundTrips(program: String) throws {
        guard FileManager.default.isExecutableFile(atPath: program) else { return }  // pigz, igzip: optional here
        for (size, level) in [(0, "-6"), (1, "-1"), (1_000_000, "-6"), (3_000_000, "-9")] {
            let data = Self.sample(size, seed: UInt64(size))
            let levelArgument = program.hasSuffix("igzip") ? "-1" : level  // igzip has levels 0-3
            let result = try Self.decompressBoth(try Self.run(program, [levelArgument, "-c"], input: data))
            #expect(result.failure == nil, "\(program) \(levelArgument), \(size) bytes")
            #expect(result.output == data, "\(program) \(levelArgument), \(size) bytes")
        }
    }

    @Test func multiMemberWithEmptyMembersReadsAsOneStream() throws {
        let parts = [Self.sample(70_000, seed: 1), [], Self.sample(10, seed: 2), [], Self.sample(200_000, seed: 3)]
        let stream =
            try parts.flatMap { try Deflater.gzip($0) }
            + (try Self.run("/bin/gzip", ["-c"], input: Self.sample(5000, seed: 4)))
        let result = try Self.decompressBoth(stream)
        #expect(result.failure == nil)
        #expect(result.output == parts.flatMap { $0 } + Self.sample(5000, seed: 4))
        #expect(try Self.decompressBoth(try Deflater.gzip([])).output.isEmpty)
    }

    @Test func aWrongCRCOrLengthInTheTrailerIsCorrupt() throws {
        let member = try Deflater.gzip(Self.sample(100_000, seed: 5))
        for offset in 0..<8 {
            var damaged = member
            damaged[Self.gzipTrailerOffset(member) + offset] ^= 0x01
            #expect(try Self.decompressBoth(damaged).failure == .corrupt, "trailer byte \(offset)")
            // The same in the second member of two.
            #expect(
                try Self.decompressBoth(member + damaged).failure == .corrupt,
                "second member, trailer byte \(offset)"
            )
        }
    }

    /// Found by the differential fuzzer: zlib checks the CRC-32 as soon as its four bytes are there, before the
    /// length; so a wrong CRC-32 followed by fewer than four more bytes is corrupt data, not a truncation.
    @Test func aWrongCRCIsCorruptBeforeTheLengthArrives() throws {
        let member = try Deflater.gzip(Self.sample(2000, seed: 8))
        var wrongCRC = member
        wrongCRC[Self.gzipTrailerOffset(member)] ^= 0x80
        for kept in 0..<8 {
            let cut = Self.gzipTrailerOffset(member) + kept
            #expect(
                try Self.decompressBoth(Array(wrongCRC.prefix(cut))).failure == (kept >= 4 ? .corrupt : .truncated),
                "\(kept) trailer bytes"
            )
            #expect(try Self.decompressBoth(Array(member.prefix(cut))).failure == .truncated, "\(kept) trailer bytes")
        }
        // The same through the reader.
        let file = try TemporaryFile(Data(wrongCRC.prefix(Self.gzipTrailerOffset(member) + 5)), suffix: ".gz")
        let run = try FilterRun.run(EventFilter(selection: EventSelection()), paths: [file.path])
        #expect(run.summary.read.inputErrors.first?.code == .corruptCompressedData)
    }

    /// Found by the differential fuzzer: a flipped bit gave a dynamic block an incomplete code-length code. zlib
    /// rejects it at once ("invalid code lengths set"); ISA-L accepts incomplete codes and decoded on to the end of
    /// the input, so the reader reports a truncation rather than corrupt data. Both fail, and agree on the bytes as
    /// far as both go: for damaged data, where each notices the damage may differ (the accepted difference).
    @Test func anIncompleteHuffmanCodeFailsWithBoth() throws {
        // The fuzz input: a payload whose gzip had a byte flipped (the harness's mode 3).
        let input: [UInt8] = [
            31, 139, 205, 42, 8, 0, 156, 114, 146, 138, 191, 255, 15, 0, 0, 0, 42, 8, 0, 156, 114, 146, 138, 191, 255,
            15, 0, 0,
        ]
        let payload = Array(input[1...])
        var compressed = try Deflater.gzip(payload)
        compressed[(Int(payload[0]) << 8 | Int(payload[1])) % compressed.count] ^= payload.last! | 1
        let (isal, zlib) = try compressed.withUnsafeBytes {
            (
                try Inflater().decompressAll($0, inputChunk: 65536, outputChunk: 13),
                try ZlibInflater().decompressAll($0, inputChunk: 65536, outputChunk: 13)
            )
        }
        #expect(zlib.failure == .corrupt)
        #expect(zlib.message?.contains("invalid code lengths set") == true)
        #expect(isal.failure == .truncated)
        let shorter = min(isal.output.count, zlib.output.count)
        #expect(isal.output[..<shorter] == zlib.output[..<shorter])
        #expect(
            compressed.withUnsafeBytes {
                _FuzzEntryPoints.gzipDisagreement($0, inputChunk: 65536, outputChunk: 13, damaged: true)
            } == nil
        )
    }

    /// Found by the differential fuzzer, the other way round: a dynamic block whose code-length code has no codes
    /// at all. ISA-L rejects it at once; zlib reads on (it would fail at the end of the block) and meets the end of
    /// the input first, so it says truncated.
    @Test func anEmptyCodeLengthCodeIsCorruptWithISAL() throws {
        let bytes: [UInt8] = [31, 139, 8, 5, 0, 0, 0, 0, 0, 0, 0, 0, 21, 0, 0, 0, 0, 0, 0, 0]
        let (isal, zlib) = try bytes.withUnsafeBytes {
            (
                try Inflater().decompressAll($0, inputChunk: 1, outputChunk: 1),
                try ZlibInflater().decompressAll($0, inputChunk: 1, outputChunk: 1)
            )
        }
        #expect(isal.failure == .corrupt)
        #expect(zlib.failure == .truncated)
        #expect(
            bytes.withUnsafeBytes {
                _FuzzEntryPoints.gzipDisagreement($0, inputChunk: 1, outputChunk: 1, damaged: true)
            } == nil
        )
        #expect(
            bytes.withUnsafeBytes {
                _FuzzEntryPoints.gzipDisagreement($0, inputChunk: 1, outputChunk: 1, damaged: false)
            } != nil
        )
    }

    @Test func damagedHeadersAndTrailingBytesFailAsWithZlib() throws {
        let member = try Deflater.gzip(Self.sample(3000, seed: 6))
        var method = member
        method[2] = 7
        var reserved = member
        reserved[3] |= 0x20
        var magic = member
        magic[1] = 0x8C
        #expect(try Self.decompressBoth(method).failure == .corrupt)
        #expect(try Self.decompressBoth(reserved).failure == .corrupt)
        #expect(try Self.decompressBoth(magic).failure == .corrupt)
        // After a complete member: garbage is corrupt; one byte, or a header cut short, is a truncation (as zlib).
        #expect(try Self.decompressBoth(member + Array("garbage\n".utf8)).failure == .corrupt)
        #expect(try Self.decompressBoth(member + [0, 0]).failure == .corrupt)
        #expect(try Self.decompressBoth(member + [0x1F]).failure == .truncated)
        #expect(try Self.decompressBoth(member + Array(member.prefix(9))).failure == .truncated)
        // zlib reads the method and the flags together: a wrong method alone is not yet an error.
        #expect(try Self.decompressBoth(member + [0x1F, 0x8B, 9]).failure == .truncated)
        #expect(try Self.decompressBoth(member + [0x1F, 0x8B, 9, 0]).failure == .corrupt)
    }

    /// SPEC §6: damage yields every complete line before it. Bytes after a whole member that begin no other member
    /// come after all of that member's data, whatever the chunking (ISA-L decodes the member and meets the bytes in
    /// one call; it hands out the data, then fails).
    @Test func garbageAfterAMemberComesAfterAllOfItsData() throws {
        let data = Self.sample(3000, seed: 8)
        let member = try Deflater.gzip(data)
        for (input, output) in [(1 << 20, 1 << 20), (member.count + 3, 1 << 20), (4096, 4096), (7, 1 << 20)] {
            let result = (member + Array("garbage\n".utf8)).withUnsafeBytes {
                try! Inflater().decompressAll($0, inputChunk: input, outputChunk: output)
            }
            #expect(result.failure == .corrupt, "chunks \(input)/\(output)")
            let whole = result.output == data
            #expect(whole, "chunks \(input)/\(output): \(result.output.count) of \(data.count) bytes")
        }
    }

    @Test func optionalHeaderFieldsAndTheHeaderChecksum() throws {
        let data = Self.sample(20_000, seed: 7)
        let member = try Deflater.gzip(data)
        let body = Array(member[10...])
        // FEXTRA (two subfields), FNAME, FCOMMENT, FHCRC.
        var header: [UInt8] = [0x1F, 0x8B, 8, 0x04 | 0x08 | 0x10 | 0x02, 1, 2, 3, 4, 0, 3]
        let extra: [UInt8] = [0x41, 0x42, 2, 0, 9, 9, 0x43, 0x44, 0, 0]
        header += [UInt8(extra.count), 0] + extra + Array("name.jsonl".utf8) + [0] + Array("a comment".utf8) + [0]
        let crc = Self.crc32(header)
        let good = header + [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF)] + body
        let result = try Self.decompressBoth(good)
        #expect(result.failure == nil)
        #expect(result.output == data)
        var badCRC = good
        badCRC[header.count] ^= 0xFF
        #expect(try Self.decompressBoth(badCRC).failure == .corrupt)
        // Every cut inside the header is a truncation.
        for cut in 1..<(header.count + 2) {
            #expect(try Self.decompressBoth(Array(good.prefix(cut))).failure == .truncated)
        }
    }

    @Test func truncationAtManyOffsetsReadsTheCompleteLinesThenFails() throws {
        let text =
            (0..<3000).map {
                #"{"type":"t.\#($0 % 5)","data":{"n":\#($0),"s":"\#(String(repeating: "ab", count: $0 % 90))"}}"#
            }
            .joined(separator: "\n") + "\n"
        let gz = try Deflater.gzip(Array(text.utf8))
        // From 2: a single byte 1f is not gzip (the magic has two bytes) but a plain file.
        let cuts =
            Array(stride(from: 2, to: gz.count, by: max(1, gz.count / 100))) + [
                gz.count - 1, gz.count - 4, gz.count - 8, gz.count - 9,
            ]
        for cut in cuts {
            let prefix = Array(gz.prefix(cut))
            let decoded = try Self.decompressBoth(prefix, chunkings: [(7, 13), (256 * 1024, 1 << 20)])
            #expect(decoded.failure == .truncated, "cut at \(cut)")
            let file = try TemporaryFile(Data(prefix), suffix: ".gz")
            let run = try FilterRun.run(EventFilter(selection: EventSelection()), paths: [file.path])
            #expect(run.summary.read.inputErrors.first?.code == .truncatedInput, "cut at \(cut)")
            // Every complete line the decompressor got to, and nothing else.
            let complete = decoded.output.lastIndex(of: 0x0A).map { Array(decoded.output[...$0]) } ?? []
            #expect(Array(run.output.utf8) == complete, "cut at \(cut)")
            #expect(text.utf8.starts(with: run.output.utf8))
        }
        // Cut in the trailer: every line is there (the data is complete), and still the error.
        let file = try TemporaryFile(Data(gz.prefix(gz.count - 3)), suffix: ".gz")
        let run = try FilterRun.run(EventFilter(selection: EventSelection()), paths: [file.path])
        #expect(run.output == text)
        #expect(run.summary.read.inputErrors.first?.code == .truncatedInput)
    }

    @Test func corruptTrailerThroughTheReaderIsAnErrorAfterCompleteLines() throws {
        let text = (0..<500).map { #"{"type":"a","data":{"n":\#($0)}}"# }.joined(separator: "\n") + "\n"
        var gz = try Deflater.gzip(Array(text.utf8))
        gz[gz.count - 6] ^= 0x10
        let file = try TemporaryFile(Data(gz), suffix: ".gz")
        let run = try FilterRun.run(EventFilter(selection: EventSelection()), paths: [file.path])
        // As with zlib, the bytes of the read that ends in the error are not handed on: here all of them.
        #expect(text.hasPrefix(run.output) && (run.output.isEmpty || run.output.hasSuffix("\n")))
        #expect(run.summary.read.inputErrors.first?.code == .corruptCompressedData)
    }

    /// CRC-32 (gzip's), bit by bit: only for the few header bytes above.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
