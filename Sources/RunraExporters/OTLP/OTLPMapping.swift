internal import Foundation
internal import RunraEvents

/// The event → OTLP mapping of SPEC §7.
enum OTLPMapping {
    /// The event types that become spans, and the span names.
    static let spanNames: [String: String] = [
        "sandbox.created": "sandbox.create",
        "exec.completed": "sandbox.execute",
        "file.created": "sandbox.file.write",
        "file.read": "sandbox.file.read",
        "agent.tool_call": "agent.tool_call",
        "sandbox.paused": "sandbox.pause",
        "sandbox.terminated": "sandbox.terminate",
    ]

    /// The fields of an event the mapping reads, decoded from the line once.
    struct EventFields: Sendable {
        var type: String
        var id: String?
        /// The `runId` field as it is (`nil` when absent).
        var runIDField: String?
        var sandboxID: String?
        /// The timestamp in nanoseconds, `nil` without a valid one.
        var time: Int64?
        private let event: RuntimeEvent

        init(_ event: RuntimeEvent) {
            type = event.type
            id = event.id
            runIDField = event.runId
            sandboxID = event.sandboxId
            time = event.timestamp?.nanosecondsSinceEpoch
            self.event = event
        }

        /// The level by SPEC §2's rule, read when asked (spans do not need it; ``OTLPEventEncoder`` reads it
        /// from the `data` members it has found anyway).
        var level: EventLevel { event.level }

        /// The run the event belongs to: its `runId`, or `""` for events without one (one shared trace).
        var runID: String { runIDField ?? "" }
    }

    /// The root span's name.
    static let rootSpanName = "runra.run"

    /// The span of a span-type event; `nil` for other types and for an event without a timestamp.
    static func span(_ event: EventFields, data: JSONValue, runs: inout RunIdentifiers) -> OTLPSpan? {
        guard let name = spanNames[event.type] else { return nil }
        guard let end = event.time else { return nil }
        let ids = runs.ids(event.runID)
        let start = end - durationNanoseconds(data)
        var span = OTLPSpan(
            traceID: ids.trace,
            spanID: OTLPIdentifiers.spanID(runID: event.runID, eventID: event.id ?? ""),
            parentSpanID: ids.root,
            name: name,
            startNanoseconds: UInt64(clamping: start),
            endNanoseconds: UInt64(clamping: end),
            attributes: attributes(event, data: data)
        )
        if let exitCode = data[.key("exitCode")]?.doubleValue, exitCode != 0 {
            span.statusCode = 2
            span.statusMessage = "exit code \(JSONText.number(exitCode))"
        }
        return span
    }

    /// The start of a span: `durationMs` before its timestamp (none or negative: zero-length).
    static func durationNanoseconds(_ data: JSONValue) -> Int64 {
        durationNanoseconds(milliseconds: data[.key("durationMs")]?.doubleValue)
    }

    /// The same from a `durationMs` already read (`nil` when it is not a number).
    static func durationNanoseconds(milliseconds: Double?) -> Int64 {
        guard let milliseconds, milliseconds > 0, milliseconds < 1e12 else { return 0 }
        return Int64((milliseconds * 1_000_000).rounded())
    }

    /// The log record of a non-span event.
    static func logRecord(
        _ event: EventFields,
        data: JSONValue,
        observedNanoseconds: UInt64,
        runs: inout RunIdentifiers
    ) -> OTLPLogRecord {
        let ids = runs.ids(event.runID)
        let (number, text) = severity(event.level)
        return OTLPLogRecord(
            timeNanoseconds: event.time.map { UInt64(clamping: $0) } ?? 0,
            observedNanoseconds: observedNanoseconds,
            severityNumber: number,
            severityText: text,
            body: .string(event.type),
            attributes: attributes(event, data: data),
            traceID: ids.trace,
            spanID: ids.root,
            eventName: event.type
        )
    }

    /// OTLP `SeverityNumber` and text of an event level.
    static func severity(_ level: EventLevel) -> (Int, String) {
        switch level {
        case .debug: return (5, "DEBUG")
        case .info: return (9, "INFO")
        case .warn: return (13, "WARN")
        case .error: return (17, "ERROR")
        }
    }

    /// `data` flattened, then the semantic-convention and `runra.*` attributes (which win over a
    /// `data` key of the same name, so keys stay unique).
    static func attributes(_ event: EventFields, data: JSONValue) -> [Attribute] {
        var own: [Attribute] = []
        let type = event.type
        if type.hasPrefix("exec.") {
            switch data[.key("command")] {
            case .string(let command)?: own.append(Attribute(key: "process.command_line", value: .string(command)))
            case .array(let arguments)?:
                own.append(Attribute(key: "process.command_args", value: .array(arguments.compactMap(anyValue))))
            default: break
            }
            if let code = data[.key("exitCode")].flatMap(anyValue), case .int = code {
                own.append(Attribute(key: "process.exit.code", value: code))
            }
        }
        if type.hasPrefix("file."), case .string(let path)? = data[.key("path")] {
            own.append(Attribute(key: "file.path", value: .string(path)))
        }
        if type == "cost.llm" {
            if let tokens = data[.key("inputTokens")].flatMap(anyValue), case .int = tokens {
                own.append(Attribute(key: "gen_ai.usage.input_tokens", value: tokens))
            }
            if let tokens = data[.key("outputTokens")].flatMap(anyValue), case .int = tokens {
                own.append(Attribute(key: "gen_ai.usage.output_tokens", value: tokens))
            }
        }
        if let id = event.id { own.append(Attribute(key: "runra.event.id", value: .string(id))) }
        own.append(Attribute(key: "runra.event.type", value: .string(type)))
        if let sandbox = event.sandboxID { own.append(Attribute(key: "runra.sandbox.id", value: .string(sandbox))) }
        if let run = event.runIDField { own.append(Attribute(key: "runra.run.id", value: .string(run))) }

        var flattened: [Attribute] = []
        var keyWithDot = false
        flatten(data, prefix: "", into: &flattened, keyWithDot: &keyWithDot)
        // Keys must be unique: the named attributes win, and of equal flattened keys ({"a.b": 1, "a": {"b": 2}})
        // the first. Most events have neither, so the set is only built when a key could repeat.
        let ownKeys = own.map(\.key)
        if keyWithDot || flattened.contains(where: { ownKeys.contains($0.key) }) {
            var seen = Set(ownKeys)
            flattened = flattened.filter { seen.insert($0.key).inserted }
        }
        return flattened + own
    }

    /// Objects become dotted keys (`args.path`), in key order; arrays stay arrays; nulls are left out.
    /// `keyWithDot` is set when a key itself contains a dot (so two flattened keys may be equal).
    static func flatten(_ value: JSONValue, prefix: String, into attributes: inout [Attribute], keyWithDot: inout Bool)
    {
        if case .object(let members) = value {
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if !keyWithDot && key.utf8.contains(UInt8(ascii: ".")) { keyWithDot = true }
                flatten(
                    member,
                    prefix: prefix.isEmpty ? key : prefix + "." + key,
                    into: &attributes,
                    keyWithDot: &keyWithDot
                )
            }
            return
        }
        guard !prefix.isEmpty, let converted = anyValue(value) else { return }
        attributes.append(Attribute(key: prefix, value: converted))
    }

    /// A JSON value as an OTLP `AnyValue`: whole numbers that fit are ints, objects in arrays are
    /// key-value lists; `nil` for null.
    static func anyValue(_ value: JSONValue) -> AttributeValue? {
        switch value {
        case .null: return nil
        case .bool(let flag): return .bool(flag)
        case .string(let text): return .string(text)
        case .number(let number):
            if number == number.rounded(), abs(number) < 9.2e18 { return .int(Int64(number)) }
            return .double(number)
        case .array(let elements): return .array(elements.compactMap(anyValue))
        case .object(let members):
            return .keyValues(
                members.sorted(by: { $0.key < $1.key }).compactMap { key, member in
                    anyValue(member).map { Attribute(key: key, value: $0) }
                }
            )
        }
    }
}

/// The trace id and root span id of each run met in one request, so each is hashed once.
struct RunIdentifiers {
    private var known: [String: (trace: [UInt8], root: [UInt8])] = [:]

    mutating func ids(_ runID: String) -> (trace: [UInt8], root: [UInt8]) {
        if let ids = known[runID] { return ids }
        let ids = (OTLPIdentifiers.traceID(runID: runID), OTLPIdentifiers.rootSpanID(runID: runID))
        known[runID] = ids
        return ids
    }
}

/// The earliest and latest time of each run seen, for the `runra.run` root spans.
struct RunTracker: Sendable {
    struct Run: Sendable {
        var start: Int64
        var end: Int64
        var sandboxID: String?
        var exported = false
    }

    private(set) var runs: [String: Run] = [:]

    /// Widens the run of `event` to cover `start...end`.
    mutating func record(runID: String, start: Int64, end: Int64, sandboxID: String?) {
        if var run = runs[runID] {
            if start < run.start || end > run.end { run.exported = false }
            run.start = min(run.start, start)
            run.end = max(run.end, end)
            if run.sandboxID == nil { run.sandboxID = sandboxID }
            runs[runID] = run
        } else {
            runs[runID] = Run(start: start, end: end, sandboxID: sandboxID)
        }
    }

    /// The root spans of runs not yet exported (or widened since), in run id order.
    func pendingRootSpans() -> [(runID: String, span: OTLPSpan)] {
        runs.keys.sorted().compactMap { runID in
            let run = runs[runID]!
            guard !run.exported else { return nil }
            var attributes = [Attribute(key: "runra.run.id", value: .string(runID))]
            if let sandbox = run.sandboxID {
                attributes.append(Attribute(key: "runra.sandbox.id", value: .string(sandbox)))
            }
            let span = OTLPSpan(
                traceID: OTLPIdentifiers.traceID(runID: runID),
                spanID: OTLPIdentifiers.rootSpanID(runID: runID),
                parentSpanID: [],
                name: OTLPMapping.rootSpanName,
                startNanoseconds: UInt64(clamping: run.start),
                endNanoseconds: UInt64(clamping: run.end),
                attributes: attributes
            )
            return (runID, span)
        }
    }

    /// Marks the runs' root spans as exported.
    mutating func markExported(_ runIDs: [String]) {
        for runID in runIDs { runs[runID]?.exported = true }
    }
}

/// A ``RunTracker`` that concurrent sends record into.
final class SharedRunTracker: @unchecked Sendable {
    /// An event's run and timestamp.
    struct Bound: Sendable {
        var runID: String
        var time: Int64
        var sandboxID: String?
    }

    private let lock = NSLock()
    private var tracker = RunTracker()

    /// Widens each bound's run (one lock for a whole chunk).
    func record(_ bounds: [Bound]) {
        lock.withLock {
            for bound in bounds {
                tracker.record(runID: bound.runID, start: bound.time, end: bound.time, sandboxID: bound.sandboxID)
            }
        }
    }

    func pendingRootSpans() -> [(runID: String, span: OTLPSpan)] { lock.withLock { tracker.pendingRootSpans() } }

    func markExported(_ runIDs: [String]) { lock.withLock { tracker.markExported(runIDs) } }
}
