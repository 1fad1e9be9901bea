import Foundation
import Testing

@testable import RunraEvents

/// ``DisplayWidth``: the generated East Asian Width table against Python's `unicodedata` over every assigned code
/// point, and the width of clusters terminals show as emoji.
@Suite(.timeLimit(.minutes(5))) struct DisplayWidthTests {
    /// Python's wide (W, F) assigned code points as `start end` ranges, and its Unicode version.
    static func pythonWideRanges() throws -> (version: String, ranges: [ClosedRange<UInt32>])? {
        let script = """
            import unicodedata as u
            print(u.unidata_version)
            start = None
            for c in range(0x110001):
                wide = c < 0x110000 and u.category(chr(c)) not in ('Cn', 'Cs') and u.east_asian_width(chr(c)) in 'WF'
                if wide and start is None: start = c
                if not wide and start is not None: print(start, c - 1); start = None
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch {
            Issue.record("python3 is needed for this test (apt-get install python3): \(error)")
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        while process.isRunning { usleep(10_000) }
        #expect(process.terminationStatus == 0)
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        let version = String(lines.removeFirst())
        let ranges = lines.map { line -> ClosedRange<UInt32> in
            let bounds = line.split(separator: " ").map { UInt32($0)! }
            return bounds[0]...bounds[1]
        }
        return (version, ranges)
    }

    @Test func theGeneratedTableIsPythonsUnicodedata() throws {
        guard let python = try Self.pythonWideRanges() else { return }
        guard python.version == DisplayWidth.unicodeVersion else {
            Issue.record(
                """
                python3 has Unicode \(python.version), the table \(DisplayWidth.unicodeVersion): \
                run python3 scripts/gen-east-asian-width.py
                """
            )
            return
        }
        #expect(DisplayWidth.wideRanges == python.ranges)
        var wide = Set<UInt32>()
        for range in python.ranges { wide.formUnion(range) }
        var differing: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if DisplayWidth.isWide(scalar) != wide.contains(value) { differing.append(value) }
        }
        #expect(differing.isEmpty, "isWide differs at \(differing.prefix(10).map { String($0, radix: 16) })")
    }

    @Test(arguments: [
        ("abc", 3), ("データ", 6), ("日本語のテスト", 14), ("Ａ", 2), ("ｱ", 1), ("é", 1), ("e\u{301}", 1),
        ("🚀", 2), ("emoji_🚀.json", 13), ("❤", 1), ("❤️", 2), ("👩‍💻", 2), ("🇯🇵", 2), ("1️⃣", 2), ("👍🏽", 2),
        ("\u{200B}", 0), ("a\u{200D}", 1), ("한국어", 6), ("Ünïcödé", 7), ("", 0),
    ])
    func columns(_ text: String, _ expected: Int) {
        #expect(DisplayWidth.of(text) == expected, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }
}
