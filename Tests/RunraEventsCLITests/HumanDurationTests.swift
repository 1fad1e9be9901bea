import Testing

@testable import runra_events

/// The shipper's status line gives the lag of an old log as `174d 1h`, not `15038462.9 s` (#27).
@Suite struct HumanDurationTests {
    @Test(arguments: [
        (0.0, "0.0 s"), (0.44, "0.4 s"), (59.94, "59.9 s"), (60, "1m 0s"), (250, "4m 10s"), (3_599, "59m 59s"),
        (3_600, "1h 0m"), (15_000, "4h 10m"), (86_399, "23h 59m"), (86_400, "1d 0h"), (15_038_462.9, "174d 1h"),
        (-3, "0.0 s"), (Double.infinity, "-"),
    ])
    func text(_ seconds: Double, _ expected: String) {
        #expect(HumanDuration.text(seconds: seconds) == expected)
    }
}
