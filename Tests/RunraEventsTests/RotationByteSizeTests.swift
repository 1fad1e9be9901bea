import RunraEvents
import Testing

@Suite struct RotationByteSizeTests {
    @Test(arguments: ["100MB", "100M", "100MiB", "100mb", "100 MiB", " 100m "])
    func hundredMegabytesIsBinary(_ text: String) throws {
        #expect(try ByteSize(parsing: text).bytes == 100 * 1024 * 1024)
    }

    @Test func otherUnits() throws {
        #expect(try ByteSize(parsing: "1GB").bytes == 1 << 30)
        #expect(try ByteSize(parsing: "2T").bytes == 2 << 40)
        #expect(try ByteSize(parsing: "64KiB").bytes == 65536)
        #expect(try ByteSize(parsing: "1.5K").bytes == 1536)
        #expect(try ByteSize(parsing: "7B").bytes == 7)
    }

    @Test func bareNumberIsBytes() throws {
        #expect(try ByteSize(parsing: "123").bytes == 123)
        #expect(try ByteSize(parsing: "0").bytes == 0)
    }

    @Test(arguments: ["", "abc", "10XB", "-5", "1.2.3", "MB", "1.5", "99999999999T", "."])
    func badInputIsAUsageError(_ text: String) {
        #expect {
            try ByteSize(parsing: text)
        } throws: { error in
            (error as? RunraError)?.code == .usage && "\(error)".contains("size '\(text)'")
        }
    }

    @Test func descriptionUsesTheLargestExactUnit() {
        #expect(ByteSize(bytes: 100 << 20).description == "100MiB")
        #expect(ByteSize(bytes: 123).description == "123")
    }

    static let documentedForms: [(String, Int64)] = [
        ("1GB", 1_073_741_824), ("1GiB", 1_073_741_824), ("512MB", 536_870_912), ("100mb", 104_857_600),
        ("10K", 10_240), ("10kb", 10_240), (" 2M ", 2_097_152), ("1T", 1_099_511_627_776),
    ]

    @Test(arguments: documentedForms)
    func parsesTheFormsGenerateDocuments(text: String, bytes: Int64) throws {
        #expect(try ByteSize(parsing: text).bytes == bytes)
    }
}
