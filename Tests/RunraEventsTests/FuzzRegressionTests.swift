import RunraEvents
import Testing

/// Inputs the fuzz targets in Fuzz/ found (docs/fuzzing.md), kept as regression tests. Each used to trap.
@Suite struct FuzzRegressionTests {
    // FuzzTimestamp: the seconds-to-nanoseconds product overflowed Int64 for years outside 1677...2262.
    @Test(arguments: [
        "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2262-04-11T23:47:16.854775808Z",
        "1677-09-21T00:12:43.145224191Z",
    ])
    func timestampsOutsideTheInt64RangeAreRejected(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func theEdgesOfTheInt64RangeStillParse() {
        #expect(Timestamp(rfc3339: "2262-04-11T23:47:16.854775807Z")?.nanosecondsSinceEpoch == .max)
        #expect(Timestamp(rfc3339: "1677-09-21T00:12:43.145224192Z")?.nanosecondsSinceEpoch == .min)
        #expect(Timestamp(rfc3339: "1677-09-21T01:12:43.145224192+01:00")?.nanosecondsSinceEpoch == .min)
    }

    @Test func anOutOfRangeDateIsAnErrorForSince() {
        #expect(throws: RunraError.self) { try TimeBound.parse("9999-12-31", now: Timestamp(nanosecondsSinceEpoch: 0)) }
    }

    // The same overflow in relative `--since`/`--until` durations: they now saturate ("since the beginning").
    @Test(arguments: ["99999999999w", "1e300s", "10000000000000000000ms", "300000d"])
    func hugeDurationsSaturate(_ text: String) throws {
        #expect(TimeBound.parseDuration(text) == .max)
        let now = Timestamp(rfc3339: "2026-06-15T10:30:00Z")!
        #expect(
            try TimeBound.parse(text, now: now) == Timestamp(nanosecondsSinceEpoch: now.nanosecondsSinceEpoch - .max)
        )
        // Counting back past the earliest instant stops there.
        #expect(
            try TimeBound.parse(text, now: Timestamp(nanosecondsSinceEpoch: -2))
                == Timestamp(nanosecondsSinceEpoch: .min)
        )
    }
}
