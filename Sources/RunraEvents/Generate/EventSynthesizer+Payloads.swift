#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `data` object of each event type: nested objects, arrays, booleans, null, integers and
/// decimals, long-tailed durations and sizes, and strings with unicode and escapes.
extension EventSynthesizer {
    typealias Entry = GeneratorVocabulary.Entry

    /// Appends the members of `data` (the braces are written by the caller).
    mutating func appendPayload(_ type: GeneratedEventType, slot: Int, to out: inout GeneratorBuffer) {
        let words = vocabulary
        switch type {
        case .sandboxCreated:
            out.append("\"image\":")
            pick(words.images, to: &out)
            out.append(",\"cpu\":")
            out.append(decimal: 1 << random.below(3))
            out.append(",\"memoryMb\":")
            out.append(decimal: 1024 << random.below(3))
            out.append(",\"region\":")
            pick(words.regions, to: &out)
            out.append(",\"labels\":{\"team\":")
            pick(words.teams, to: &out)
            out.append(",\"agent\":")
            pick(words.agents, to: &out)
            out.append("},\"ports\":[3000,8080]")
        case .sandboxStarted:
            out.append("\"bootMs\":")
            out.append(decimal: random.int(in: 80...2500))
            out.append(",\"host\":")
            pick(words.hosts, to: &out)
        case .sandboxPaused:
            out.append("\"reason\":")
            pick(words.pauseReasons, to: &out)
            pause(slot)
        case .sandboxResumed:
            out.append("\"pausedMs\":")
            out.append(decimal: Int(clock.milliseconds - sandbox(slot).pausedAt))
            out.append(",\"bootMs\":")
            out.append(decimal: random.int(in: 40...900))
            resume(slot)
        case .sandboxTerminated:
            out.append("\"reason\":")
            pick(words.terminationReasons, to: &out)
            out.append(",\"uptimeMs\":")
            out.append(decimal: Int(clock.milliseconds - sandbox(slot).createdAt))
        case .sandboxError:
            let index = random.below(words.sandboxErrors.count)
            out.append("\"message\":")
            append(words.sandboxErrors[index], to: &out)
            out.append(",\"code\":")
            append(words.sandboxErrorCodes[index], to: &out)
            out.append(random.chance(0.2) ? ",\"fatal\":true" : ",\"fatal\":false")
        case .execStarted:
            let command = random.below(words.commands.count)
            let pid = random.int(in: 100...65000)
            updateSandbox(slot) {
                $0.pendingCommand = command
                $0.pid = pid
            }
            out.append("\"command\":")
            append(words.commands[command], to: &out)
            out.append(",\"cwd\":\"/workspace\",\"pid\":")
            out.append(decimal: pid)
            out.append(",\"env\":{\"CI\":\"true\",\"LANG\":\"C.UTF-8\"}")
        case .execCompleted:
            let failed = random.chance(0.1)
            out.append("\"command\":")
            append(words.commands[takePendingCommand(slot)], to: &out)
            out.append(",\"cwd\":\"/workspace\",\"pid\":")
            out.append(decimal: sandbox(slot).pid)
            out.append(",\"exitCode\":")
            out.append(decimal: failed ? Self.failureCodes[random.below(Self.failureCodes.count)] : 0)
            out.append(",\"durationMs\":")
            out.append(decimal: Int(logNormal(median: 180, sigma: 1.5)))
            out.append(",\"stdoutBytes\":")
            out.append(decimal: min(Int(logNormal(median: 900, sigma: 2.0)), 50_000_000))
            out.append(",\"stderrBytes\":")
            out.append(decimal: failed || random.chance(0.2) ? Int(logNormal(median: 300, sigma: 1.2)) : 0)
        case .execStreamed:
            out.append("\"stream\":")
            pick(words.streams, to: &out)
            out.append(",\"pid\":")
            out.append(decimal: sandbox(slot).pid)
            out.append(",\"seq\":")
            out.append(decimal: random.below(500))
            out.append(",\"chunk\":")
            appendChunk(lines: 1 + random.below(4), to: &out)
        case .execError:
            out.append("\"command\":")
            append(words.commands[takePendingCommand(slot)], to: &out)
            out.append(",\"error\":")
            pick(words.execErrors, to: &out)
            out.append(",\"errno\":")
            out.append(decimal: -1 - random.below(20))
            out.append(",\"durationMs\":")
            out.append(decimal: random.int(in: 1...50))
        case .fileCreated:
            out.append("\"path\":")
            pick(words.paths, to: &out)
            out.append(",\"bytes\":")
            out.append(decimal: Int(logNormal(median: 4000, sigma: 1.8)))
            out.append(",\"mode\":")
            pick(words.fileModes, to: &out)
        case .fileRead:
            out.append("\"path\":")
            pick(words.paths, to: &out)
            out.append(",\"bytes\":")
            out.append(decimal: Int(logNormal(median: 6000, sigma: 1.8)))
            out.append(",\"durationMs\":")
            out.append(fixed: random.int(in: 100...40_000), scale: 3)
        case .fileDeleted:
            out.append("\"path\":")
            pick(words.paths, to: &out)
        case .fileError:
            out.append("\"path\":")
            pick(words.paths, to: &out)
            out.append(",\"op\":")
            pick(words.fileOperations, to: &out)
            out.append(",\"error\":")
            pick(words.fileErrors, to: &out)
        case .portExposed:
            let port = Self.ports[random.below(Self.ports.count)]
            updateSandbox(slot) { $0.lastPort = port }
            out.append("\"port\":")
            out.append(decimal: port)
            out.append(",\"protocol\":")
            pick(words.protocols, to: &out)
            out.append(random.chance(0.5) ? ",\"public\":true" : ",\"public\":false")
        case .portClosed:
            out.append("\"port\":")
            out.append(decimal: sandbox(slot).lastPort)
            out.append(",\"reason\":")
            pick(words.portCloseReasons, to: &out)
        case .agentThinking:
            out.append("\"text\":")
            pick(words.thoughts, to: &out)
            out.append(",\"tokens\":")
            out.append(decimal: random.int(in: 10...900))
            out.append(",\"model\":")
            pick(words.models, to: &out)
        case .agentToolCall:
            let tool = random.below(words.tools.count)
            let callID = random.next()
            updateSandbox(slot) {
                $0.pendingTool = tool
                $0.pendingCallID = callID
            }
            out.append("\"tool\":")
            append(words.tools[tool], to: &out)
            out.append(",\"callId\":\"call_")
            out.append(base36: callID, width: 8)
            out.append("\",\"args\":")
            appendToolArguments(tool, to: &out)
        case .agentToolResult:
            var context = sandbox(slot)
            if context.pendingTool < 0 {
                context.pendingTool = random.below(words.tools.count)
                context.pendingCallID = random.next()
            }
            updateSandbox(slot) { $0.pendingTool = -1 }
            let ok = random.chance(0.93)
            out.append("\"tool\":")
            append(words.tools[context.pendingTool], to: &out)
            out.append(",\"callId\":\"call_")
            out.append(base36: context.pendingCallID, width: 8)
            out.append(ok ? "\",\"ok\":true" : "\",\"ok\":false")
            out.append(",\"durationMs\":")
            out.append(decimal: Int(logNormal(median: 250, sigma: 1.6)))
            out.append(",\"outputBytes\":")
            out.append(decimal: ok ? Int(logNormal(median: 2000, sigma: 1.5)) : 0)
            out.append(",\"error\":")
            if ok { out.append("null") } else { pick(words.toolErrors, to: &out) }
        case .agentError:
            out.append("\"message\":")
            pick(words.agentErrors, to: &out)
            let retryable = random.chance(0.7)
            out.append(retryable ? ",\"retryable\":true,\"retryAfterMs\":" : ",\"retryable\":false,\"retryAfterMs\":")
            if retryable { out.append(decimal: random.int(in: 1...60) * 500) } else { out.append("null") }
        case .costRuntime:
            let cpuMilliseconds = random.int(in: 0...120_000)
            out.append("\"cpuSeconds\":")
            out.append(fixed: cpuMilliseconds, scale: 3)
            out.append(",\"memoryGbSeconds\":")
            out.append(fixed: cpuMilliseconds * (1 << random.below(3)), scale: 3)
            out.append(",\"costUsd\":")
            out.append(fixed: cpuMilliseconds / 3 + 1, scale: 6)
        case .costLLM:
            let model = random.below(words.models.count)
            let input = Int(logNormal(median: 8000, sigma: 1.2)) + 100
            let output = Int(logNormal(median: 400, sigma: 1.0)) + 1
            let (inputPrice, outputPrice) = Self.pricesPerMillionTokens[model]
            out.append("\"model\":")
            append(words.models[model], to: &out)
            out.append(",\"inputTokens\":")
            out.append(decimal: input)
            out.append(",\"outputTokens\":")
            out.append(decimal: output)
            out.append(",\"cachedTokens\":")
            out.append(decimal: random.chance(0.5) ? input / (2 + random.below(8)) : 0)
            out.append(",\"costUsd\":")
            // Tokens × dollars per million tokens = micro-dollars (prices are in tenths).
            out.append(fixed: (input * inputPrice + output * outputPrice) / 10, scale: 6)
        }
    }

    /// Non-zero exit codes of failed commands (a signal shows as 128+N, or -9 from some runtimes).
    static let failureCodes = [1, 1, 1, 1, 1, 2, 2, 124, 127, 130, 137, -9]
    static let ports = [3000, 5173, 8000, 8080, 8888]
    /// Input and output prices of each model in ``GeneratorVocabulary/models``, in tenths of a dollar.
    static let pricesPerMillionTokens = [(30, 150), (150, 750), (20, 80), (4, 16), (6, 6)]

    private mutating func appendToolArguments(_ tool: Int, to out: inout GeneratorBuffer) {
        let words = vocabulary
        switch tool {
        case 0:  // run_command
            out.append("{\"command\":")
            pick(words.commands, to: &out)
            out.append(",\"timeoutMs\":")
            out.append(decimal: random.int(in: 1...20) * 30_000)
            out.append("}")
        case 3:  // search
            out.append("{\"query\":")
            pick(words.searchQueries, to: &out)
            out.append(",\"paths\":[\"src\",\"tests\"],\"regex\":")
            out.append(random.chance(0.3) ? "true}" : "false}")
        default:
            out.append("{\"path\":")
            pick(words.paths, to: &out)
            out.append(",\"limit\":")
            out.append(decimal: random.int(in: 1...400))
            out.append(",\"flags\":[\"-r\",\"-n\"]}")
        }
    }

    /// Appends one JSON string of `lines` lines of process output joined by `\n`.
    private mutating func appendChunk(lines: Int, to out: inout GeneratorBuffer) {
        out.append(UInt8(ascii: "\""))
        for line in 0..<lines {
            if line > 0 { out.append("\\n") }
            let entry = vocabulary.streamLines[random.below(vocabulary.streamLines.count)]
            // Without the entry's quotes: it joins a larger string.
            out.append(vocabulary.pool + Int(entry.offset) + 1, count: Int(entry.length) - 2)
        }
        out.append(UInt8(ascii: "\""))
    }

    private mutating func takePendingCommand(_ slot: Int) -> Int {
        let pending = sandbox(slot).pendingCommand
        guard pending >= 0 else { return random.below(vocabulary.commands.count) }
        updateSandbox(slot) { $0.pendingCommand = -1 }
        return pending
    }

    @inline(__always)
    private mutating func pick(_ list: [Entry], to out: inout GeneratorBuffer) {
        append(list[random.below(list.count)], to: &out)
    }

    @inline(__always)
    private func append(_ entry: Entry, to out: inout GeneratorBuffer) {
        out.append(vocabulary.pool + Int(entry.offset), count: Int(entry.length))
    }

    /// A long-tailed positive value: `median × e^(sigma × N(0,1))` (Box-Muller).
    private mutating func logNormal(median: Double, sigma: Double) -> Double {
        let u1 = 1 - random.unit()
        let u2 = random.unit()
        let normal = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        return median * exp(sigma * normal)
    }
}
