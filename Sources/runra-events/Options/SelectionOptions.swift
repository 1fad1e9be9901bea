import ArgumentParser
import RunraEvents

/// The selection options every reading command shares (SPEC §4).
struct SelectionOptions: ParsableArguments {
    @Option(
        name: [.customShort("t"), .long],
        help: ArgumentHelp("Only events whose type matches GLOB (repeatable; e.g. 'exec.*').", valueName: "GLOB")
    )
    var type: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("Leave out events whose type matches GLOB (repeatable).", valueName: "GLOB")
    )
    var notType: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only events of this sandboxId (repeatable).", valueName: "ID"))
    var sandbox: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only events of this runId (repeatable).", valueName: "ID"))
    var run: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only events at or after T: RFC 3339, a date, or a duration before now (90s, 15m, 2h, 7d).",
            valueName: "T"
        )
    )
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only events before T (same forms as --since).", valueName: "T"))
    var until: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Only events at least this level: debug, info, warn, error.", valueName: "LEVEL")
    )
    var minLevel: String?

    @Option(
        name: [.customShort("w"), .long],
        help: ArgumentHelp(
            "Only events for which EXPR is true (repeatable; also the runtime's (e) => … form; see "
                + "docs/expressions.md).",
            valueName: "EXPR"
        )
    )
    var `where`: [String] = []

    /// The selection these options describe.
    func makeSelection(invert: Bool = false) throws -> EventSelection {
        var selection = EventSelection()
        selection.types = type.map(Glob.init)
        selection.excludedTypes = notType.map(Glob.init)
        selection.sandboxIds = sandbox
        selection.runIds = run
        let now = Timestamp.now
        selection.since = try since.map { try TimeBound.parse($0, now: now) }
        selection.until = try until.map { try TimeBound.parse($0, now: now) }
        if let minLevel {
            guard let level = EventLevel(name: minLevel) else {
                throw ValidationError("--min-level must be debug, info, warn or error, not '\(minLevel)'")
            }
            selection.minimumLevel = level
        }
        selection.conditions = try `where`.map { try Expression(parsing: $0, roots: .event) }
        selection.isInverted = invert
        return selection
    }
}
