import RunraEvents
import Testing

/// SPEC §10: a path read from events whose first name is not an event field is an error with a suggestion.
@Suite struct EventPathRootTests {
    static let misspelt: [(source: String, says: String)] = [
        (
            "dta.exitCode != 0",
            "'dta' is not a field of an event (id, timestamp, type, sandboxId, runId, data); did you "
                + "mean data.exitCode?"
        ),
        (
            "e.data.exitCode != 0",
            "'e' is not a field of an event (id, timestamp, type, sandboxId, runId, data); did you mean data.exitCode? "
                + "(or write the arrow form: (e) => e.data.exitCode …)"
        ),
        (
            #"event.type == "x""#,
            "'event' is not a field of an event (id, timestamp, type, sandboxId, runId, data); did you mean type? (or "
                + "write the arrow form: (event) => event.type …)"
        ),
        (
            "exitCode != 0",
            "'exitCode' is not a field of an event (id, timestamp, type, sandboxId, runId, data); did you mean "
                + "data.exitCode? (a top-level field the runtime does not define is read as .exitCode)"
        ),
        (#"typ == "x""#, "did you mean type?"),
        (#"sandboxid == "x""#, "did you mean sandboxId?"),
        ("exists(dta.x)", "did you mean data.x?"),
        ("data.x == 1 && runid == 2", "did you mean runId?"),
    ]

    @Test(arguments: misspelt)
    func misspeltRootsAreErrors(_ source: String, _ says: String) {
        do {
            _ = try Expression(parsing: source, roots: .event)
            Issue.record("expected an error for \(source)")
        } catch let error as RunraError {
            #expect(error.code == .expressionSyntax)
            #expect(error.message.contains(says), "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: [
        "type", "id", "timestamp", "sandboxId", "runId", "data", "data.missing.deeper", #"data["odd key"]"#,
    ])
    func eventFieldsAreAccepted(_ path: String) throws {
        _ = try Expression(parsing: "\(path) == null", roots: .event)
        _ = try JSONPath(parsing: path, roots: .event)
    }

    @Test func explicitTopLevelNamesAreAccepted() throws {
        let context = JSONValue.object(["extra": .string("kept")])
        #expect(try Expression(parsing: #".extra == "kept""#, roots: .event).matches(context))
        #expect(try Expression(parsing: #"(e) => e["extra"] === "kept""#, roots: .event).matches(context))
        #expect(try JSONPath(parsing: #"["extra"]"#, roots: .event) == JSONPath(keys: "extra"))
    }

    @Test func anyRootIsAcceptedOutsideEvents() throws {
        _ = try Expression(parsing: "p95 > baseline.p95 * 1.2")
        _ = try JSONPath(parsing: "whatever.x")
    }

    @Test(arguments: [
        ("dta.command", "did you mean data.command?"), ("typ", "did you mean type?"),
        ("command", "did you mean data.command?"),
    ])
    func pathsForByAndFieldsAreChecked(_ path: String, _ says: String) {
        #expect(throws: RunraError.self) { try JSONPath(parsing: path, roots: .event) }
        let message =
            (try? JSONPath(parsing: path, roots: .event)).map { _ in "" }
            ?? {
                do { _ = try JSONPath(parsing: path, roots: .event) } catch { return "\(error)" }
                return ""
            }()
        #expect(message.contains(says), "\(message)")
    }
}
