import Foundation
import RunraEvents
import Testing

@Suite(.timeLimit(.minutes(5))) struct RotationDeflaterTests {
    @Test func gzipRoundTripsThroughSystemGzip() throws {
        let directory = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(directory) }
        // Several megabytes in uneven chunks: exercises many deflate calls and output chunks.
        var text = ""
        for n in 0..<20000 { text += RotationTestIO.event(n) + "\n" }
        let bytes = Array(text.utf8)
        let deflater = try Deflater(level: 6, outputChunkSize: 4096)
        var compressed: [UInt8] = []
        var offset = 0
        var step = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + step)
            try bytes[offset..<end].withUnsafeBytes { chunk in
                try deflater.compress(chunk) { compressed.append(contentsOf: $0) }
            }
            offset = end
            step = step * 3 + 7
        }
        try deflater.finish { compressed.append(contentsOf: $0) }
        let path = directory + "/out.gz"
        try Data(compressed).write(to: URL(fileURLWithPath: path))
        #expect(try RotationTestIO.gzipValid(path))
        #expect(try RotationTestIO.contents(path) == text)
        #expect(compressed.count < bytes.count / 4)
    }

    @Test func emptyInputIsAValidEmptyGzip() throws {
        let directory = try RotationTestIO.makeDirectory()
        defer { RotationTestIO.cleanup(directory) }
        let path = directory + "/empty.gz"
        try Data(try Deflater.gzip([UInt8]())).write(to: URL(fileURLWithPath: path))
        #expect(try RotationTestIO.gzipValid(path))
        #expect(try RotationTestIO.contents(path) == "")
    }

    @Test func levelOutOfRangeIsRejected() {
        #expect(throws: RunraError.self) { try Deflater(level: 0) }
        #expect(throws: RunraError.self) { try Deflater(level: 10) }
    }
}
