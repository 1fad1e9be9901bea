import RunraEvents
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2026-06-15T10:30:00.000Z", Int64(1_781_519_400_000_000_000)),
        ("2026-06-15T10:30:00.5Z", Int64(1_781_519_400_500_000_000)),
        ("2026-06-15T12:30:00.123456789+02:00", Int64(1_781_519_400_123_456_789)),
        ("2026-06-15T05:30:00-05:00", Int64(1_781_519_400_000_000_000)),
        ("2024-02-29T00:00:00z", Int64(1_709_164_800_000_000_000)),
        ("1969-12-31T23:59:59.9Z", Int64(-100_000_000)),
    ])
    func parsesRFC3339(_ text: String, _ nanoseconds: Int64) {
        #expect(Timestamp(rfc3339: text)?.nanosecondsSinceEpoch == nanoseconds)
    }

    @Test(arguments: [
        "", "2026-06-15", "2026-06-15T10:30:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
        "2026-06-15T24:00:00Z", "2026-06-15T10:60:00Z", "2026-06-15T10:30:00.Z", "2026-06-15T10:30:00+2:00",
        "2026-06-15T10:30:00Zjunk", "x026-06-15T10:30:00Z",
    ])
    func rejectsMalformedTimes(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func formatsAsUTCWithMilliseconds() {
        #expect(Timestamp(rfc3339: "2026-06-15T12:30:00.123456+02:00")?.description == "2026-06-15T10:30:00.123Z")
        #expect(Timestamp(nanosecondsSinceEpoch: -1).description == "1969-12-31T23:59:59.999Z")
    }

    @Test func relativeBoundsCountBackFromNow() throws {
        let now = Timestamp(rfc3339: "2026-06-15T10:30:00Z")!
        #expect(try TimeBound.parse("90s", now: now) == Timestamp(rfc3339: "2026-06-15T10:28:30Z"))
        #expect(try TimeBound.parse("15m", now: now) == Timestamp(rfc3339: "2026-06-15T10:15:00Z"))
        #expect(try TimeBound.parse("2h", now: now) == Timestamp(rfc3339: "2026-06-15T08:30:00Z"))
        #expect(try TimeBound.parse("7d", now: now) == Timestamp(rfc3339: "2026-06-08T10:30:00Z"))
        #expect(try TimeBound.parse("2026-06-01", now: now) == Timestamp(rfc3339: "2026-06-01T00:00:00Z"))
        #expect(throws: RunraError.self) { try TimeBound.parse("yesterday", now: now) }
        #expect(throws: RunraError.self) { try TimeBound.parse("-5m", now: now) }
    }
}
