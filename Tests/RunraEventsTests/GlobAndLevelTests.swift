import RunraEvents
import Testing

@Suite struct GlobAndLevelTests {
    @Test(arguments: [
        ("exec.*", "exec.completed", true), ("exec.*", "exec.", true), ("exec.*", "execx", false),
        ("*.error", "sandbox.error", true), ("*.error", "sandbox.errors", false),
        ("exec.completed", "exec.completed", true),
        ("exec.completed", "exec.complete", false), ("*", "", true), ("a?c", "abc", true), ("a?c", "aéc", true),
        ("a*b*c", "aXbYc", true), ("a*b*c", "aXbY", false), ("**", "x", true),
    ])
    func globMatchesWholeType(_ pattern: String, _ text: String, _ expected: Bool) {
        #expect(Glob(pattern).matches(text) == expected)
    }

    @Test(arguments: [
        (#"{"type":"exec.completed","data":{"exitCode":0}}"#, EventLevel.info),
        (#"{"type":"exec.completed","data":{"exitCode":2}}"#, .error),
        (#"{"type":"exec.completed","data":{"exitCode":"2"}}"#, .info),
        (#"{"type":"exec.completed","data":{}}"#, .info),
        (#"{"type":"sandbox.error","data":{}}"#, .error),
        (#"{"type":"agent.thinking"}"#, .debug),
        (#"{"type":"exec.streamed","data":{"level":"warn"}}"#, .warn),
        (#"{"type":"sandbox.error","data":{"level":"info"}}"#, .info),
        (#"{"type":"file.read","data":{"level":"verbose"}}"#, .info),
        (#"{"type":"custom.thing"}"#, .info),
    ])
    func levelFollowsTheSpecRule(_ line: String, _ level: EventLevel) throws {
        #expect(try RuntimeEvent(line).level == level)
    }
}
