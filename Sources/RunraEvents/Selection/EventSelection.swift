/// Which events a command works on: the common selection options of SPEC §4.
///
/// Every condition must hold; ``isInverted`` then flips the verdict (as `grep -v`).
public struct EventSelection: Sendable {
    /// `-t/--type`: the type must match one of these (when any are given).
    public var types: [Glob] = []
    /// `--not-type`: the type must match none of these.
    public var excludedTypes: [Glob] = []
    /// `--sandbox`: `sandboxId` must be one of these (when any are given).
    public var sandboxIds: [String] = []
    /// `--run`: `runId` must be one of these (when any are given).
    public var runIds: [String] = []
    /// `--since`: the timestamp must be at or after this (inclusive).
    public var since: Timestamp?
    /// `--until`: the timestamp must be before this (exclusive).
    public var until: Timestamp?
    /// `--min-level`: the level (SPEC §2) must be at least this.
    public var minimumLevel: EventLevel?
    /// `-w/--where`: each expression must be true.
    public var conditions: [Expression] = []
    /// `-v/--invert`: select the events that do not match.
    public var isInverted = false

    /// A selection of every event.
    public init() {}

    /// Whether the selection takes every event (so matching can be skipped).
    public var selectsEverything: Bool {
        types.isEmpty && excludedTypes.isEmpty && sandboxIds.isEmpty && runIds.isEmpty && since == nil && until == nil
            && minimumLevel == nil && conditions.isEmpty && !isInverted
    }

    /// Whether `event` is selected.
    public func matches(_ event: RuntimeEvent) -> Bool {
        event.line.withUnsafeBufferPointer { matches(EventLine(bytes: $0, fields: event.fields)) }
    }

    @inline(__always)
    func matches(_ event: EventLine) -> Bool {
        matchesAll(event) != isInverted
    }

    /// The keys of `data` that matching reads: those of `conditions`' paths, and `level` and `exitCode` for
    /// `minimumLevel`.
    var dataKeysRead: [String] {
        var keys = conditions.flatMap { $0.paths.compactMap(\.dataKey) }
        if minimumLevel != nil { keys += ["level", "exitCode"] }
        return keys
    }

    private func matchesAll(_ event: EventLine) -> Bool {
        if !types.isEmpty || !excludedTypes.isEmpty {
            if let plain = event.plainType {
                if !types.isEmpty && !types.contains(where: { $0.matches(plain) }) { return false }
                if excludedTypes.contains(where: { $0.matches(plain) }) { return false }
            } else {
                let type = event.type
                if !types.isEmpty && !types.contains(where: { $0.matches(type) }) { return false }
                if excludedTypes.contains(where: { $0.matches(type) }) { return false }
            }
        }
        if !sandboxIds.isEmpty {
            guard let sandbox = event.string(.sandboxId), sandboxIds.contains(sandbox) else { return false }
        }
        if !runIds.isEmpty {
            guard let run = event.string(.runId), runIds.contains(run) else { return false }
        }
        if since != nil || until != nil {
            guard let timestamp = event.timestamp else { return false }
            if let since, timestamp < since { return false }
            if let until, timestamp >= until { return false }
        }
        if let minimumLevel, event.level < minimumLevel { return false }
        for condition in conditions where !condition.matches(event) { return false }
        return true
    }
}

extension EventSelection {
    /// The same selection with expressions and type patterns of its own, for the one thread that will use it (see
    /// ``Expression/copiedForOneThread()``). Each scanning thread's processor takes one. Matching a type retains
    /// its pattern's storage on every line; shared between threads, that one counter would bounce between cores.
    func copiedForOneThread() -> EventSelection {
        var copy = self
        copy.types = types.map { Glob($0.pattern) }
        copy.excludedTypes = excludedTypes.map { Glob($0.pattern) }
        copy.conditions = conditions.map { $0.copiedForOneThread() }
        return copy
    }
}
