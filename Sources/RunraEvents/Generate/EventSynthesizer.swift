/// The state machine behind ``EventLogGenerator``: sandboxes with a life cycle
/// (created, started, paused/resumed, terminated) grouped into runs, a clock, and the
/// per-sandbox context that pairs `exec.started` with `exec.completed` and
/// `agent.tool_call` with `agent.tool_result`.
///
/// A value type so the hot loop mutates it without dynamic exclusivity checks.
struct EventSynthesizer {
    /// One live sandbox.
    struct Sandbox {
        var createdAt: Int64
        var pausedAt: Int64 = 0
        var isPaused = false
        /// The command of the last `exec.started` not yet completed, or -1.
        var pendingCommand = -1
        /// The process id of the last `exec.started`.
        var pid = 0
        /// The tool and call id of the last `agent.tool_call` without a result, or -1.
        var pendingTool = -1
        var pendingCallID: UInt64 = 0
        var lastPort = 3000
    }

    static let maxSandboxes = 12
    /// Bytes reserved per sandbox for `"sandboxId":"sb_…","runId":"run_…","data":{`.
    static let prefixStride = 64

    let vocabulary: GeneratorVocabulary
    var random: RandomSource
    var clock = GeneratorClock()
    private(set) var eventCount = 0
    private let idOffset: UInt64
    private let typeTable: [GeneratedEventType]

    /// Slots of live sandboxes; `active` lists the occupied slot numbers.
    private var sandboxes: [Sandbox]
    private var active: [Int] = []
    private var pausedCount = 0
    /// The `"sandboxId":…,"data":{` bytes of each slot.
    private let prefixStorage = PrefixStorage(count: maxSandboxes * prefixStride)
    private var prefixes: UnsafeMutablePointer<UInt8> { prefixStorage.bytes }
    private var prefixLengths: [Int]
    /// A sandbox just created, whose `sandbox.started` comes next.
    private var startingSlot = -1
    private var runID: UInt64

    init(seed: UInt64, startMilliseconds: Int64 = GeneratorClock.startMilliseconds) {
        clock = GeneratorClock(milliseconds: startMilliseconds)
        vocabulary = GeneratorVocabulary()
        random = RandomSource(seed: seed)
        idOffset = random.next() & Self.idMask
        runID = random.next()
        var table: [GeneratedEventType] = []
        for (type, weight) in GeneratedEventType.weights {
            table += Array(repeating: type, count: weight)
        }
        typeTable = table
        let placeholder = Sandbox(createdAt: 0)
        sandboxes = Array(repeating: placeholder, count: Self.maxSandboxes)
        prefixLengths = Array(repeating: 0, count: Self.maxSandboxes)
    }

    /// The longest line ``appendEvent(to:)`` can write.
    static let maxLineBytes = 4096

    /// Appends the next event and its `\n`. Reserve ``maxLineBytes`` first.
    mutating func appendEvent(to out: inout GeneratorBuffer) {
        let (type, slot) = nextTypeAndSandbox()
        clock.advance(by: nextGap())
        out.append("{\"id\":\"evt_")
        out.append(base36: scrambledID(UInt64(eventCount)), width: 10)
        out.append("\",\"timestamp\":\"")
        clock.append(to: &out)
        out.append("\",")
        let typeField = vocabulary.typeFields[type.rawValue]
        out.append(vocabulary.pool + Int(typeField.offset), count: Int(typeField.length))
        out.append(prefixes + slot * Self.prefixStride, count: prefixLengths[slot])
        appendPayload(type, slot: slot, to: &out)
        out.append("}}\n")
        eventCount += 1
        if type == .sandboxTerminated { remove(slot) }
    }

    // MARK: Life cycle

    private mutating func nextTypeAndSandbox() -> (GeneratedEventType, Int) {
        if startingSlot >= 0 {
            defer { startingSlot = -1 }
            return (.sandboxStarted, startingSlot)
        }
        let live = active.count
        if live == 0 || (live < 3 && random.chance(0.05)) || (live < Self.maxSandboxes && random.chance(0.0015)) {
            let slot = create()
            startingSlot = slot
            return (.sandboxCreated, slot)
        }
        if live > 1 && random.chance(0.0015) {
            return (.sandboxTerminated, active[random.below(live)])
        }
        var type = typeTable[random.below(typeTable.count)]
        if type == .sandboxResumed {
            if let slot = pausedSandbox() { return (type, slot) }
            type = .execStarted
        }
        guard let slot = runningSandbox() else {
            return (.sandboxResumed, pausedSandbox()!)
        }
        return (type, slot)
    }

    private mutating func create() -> Int {
        var used = [Bool](repeating: false, count: Self.maxSandboxes)
        for slot in active { used[slot] = true }
        let slot = used.firstIndex(of: false)!
        active.append(slot)
        sandboxes[slot] = Sandbox(createdAt: clock.milliseconds)
        if random.chance(0.3) { runID = random.next() }
        var prefix = GeneratorBuffer(capacity: Self.prefixStride)
        prefix.append("\"sandboxId\":\"sb_")
        prefix.append(base36: random.next(), width: 10)
        prefix.append("\",\"runId\":\"run_")
        prefix.append(base36: runID, width: 6)
        prefix.append("\",\"data\":{")
        (prefixes + slot * Self.prefixStride).update(from: prefix.base, count: prefix.count)
        prefixLengths[slot] = prefix.count
        return slot
    }

    private mutating func remove(_ slot: Int) {
        if sandboxes[slot].isPaused { pausedCount -= 1 }
        active.removeAll { $0 == slot }
    }

    mutating func pause(_ slot: Int) {
        sandboxes[slot].isPaused = true
        sandboxes[slot].pausedAt = clock.milliseconds
        pausedCount += 1
    }

    mutating func resume(_ slot: Int) {
        sandboxes[slot].isPaused = false
        pausedCount -= 1
    }

    private mutating func runningSandbox() -> Int? {
        guard pausedCount < active.count else { return nil }
        let start = random.below(active.count)
        var index = start
        while sandboxes[active[index]].isPaused {
            index = (index + 1) % active.count
        }
        return active[index]
    }

    private mutating func pausedSandbox() -> Int? {
        guard pausedCount > 0 else { return nil }
        return active.first { sandboxes[$0].isPaused }
    }

    /// Milliseconds until the next event: mostly 0-39, now and then an idle gap of seconds.
    private mutating func nextGap() -> Int64 {
        random.chance(0.002) ? Int64(random.int(in: 1_000...90_000)) : Int64(random.below(40))
    }

    // MARK: Identifiers

    private static let idMask: UInt64 = (1 << 48) - 1

    /// A bijection on 48 bits, so `evt_` ids are unique for 2^48 events yet look random.
    private func scrambledID(_ counter: UInt64) -> UInt64 {
        var x = (counter &+ idOffset) & Self.idMask
        x = (x &* 0x9E37_79B9_7F4B) & Self.idMask
        x ^= x >> 23
        x = (x &* 0xC2B2_AE3D_27D5) & Self.idMask
        x ^= x >> 19
        return x
    }

    // MARK: Sandbox context for payloads

    func sandbox(_ slot: Int) -> Sandbox { sandboxes[slot] }

    mutating func updateSandbox(_ slot: Int, _ change: (inout Sandbox) -> Void) {
        change(&sandboxes[slot])
    }

    /// The bytes of the sandbox prefixes (shared by copies of the synthesizer; one owner writes).
    private final class PrefixStorage {
        let bytes: UnsafeMutablePointer<UInt8>
        init(count: Int) { bytes = .allocate(capacity: count) }
        deinit { bytes.deallocate() }
    }
}
