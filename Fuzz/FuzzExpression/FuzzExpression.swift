// libFuzzer target: `Expression(parsing:)` on arbitrary text, then evaluation against fixed contexts.
// Parsing must either succeed or throw `.expressionSyntax`; evaluation must never trap. Paths must round-trip
// through their description. Build and run with scripts/fuzz.sh (docs/fuzzing.md).
import CLibFuzzer
import RunraEvents

@_cdecl("FuzzExpression_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var (argc, argv) = (argc, argv)
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}

/// An event with a value of every JSON kind, and a stats-like row, to evaluate against.
private let event = try! RuntimeEvent(
    #"{"id":"ev_1","type":"exec.completed","timestamp":"2026-06-15T10:30:00.123Z","sandboxId":"sb_x7k2m9p4q1","#
        + #""runId":"run_1","level":"error","data":{"command":"npm test --ci","exitCode":1,"durationMs":31250.5,"#
        + #""args":["test","--ci"],"env":{"CI":"true"},"signal":null,"ok":false,"content-type":"application/json","#
        + #""nested":{"a":[1,[2,{"b":"c"}]]},"unicode":"h\u00e9llo \ud83d\ude00","empty":""}}"#
)
private let row: JSONValue = .object([
    "count": .number(12), "p95": .number(480), "error_rate": .number(0.25), "command": .string("npm test"),
    "baseline": .object(["p95": .number(400), "count": .number(0)]),
])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        _ = try? Expression(parsing: text, roots: .event)
        let expression = try Expression(parsing: text)
        _ = expression.evaluate(in: event)
        _ = expression.matches(event)
        _ = expression.evaluate(in: row)
        _ = expression.matches(row)
        for path in expression.paths { checkRoundTrip(path) }
    } catch let error as RunraError {
        guard error.code == .expressionSyntax else { fatalError("unexpected error kind \(error.code): \(error.message)") }
    } catch {
        fatalError("unexpected error \(error)")
    }
    if let path = try? JSONPath(parsing: text) { checkRoundTrip(path) }
    return 0
}

/// `JSONPath(parsing: path.description)` gives `path` back.
private func checkRoundTrip(_ path: JSONPath) {
    guard let again = try? JSONPath(parsing: path.description), again == path else {
        fatalError("path does not round-trip: \(path.components) -> \(path.description)")
    }
}
