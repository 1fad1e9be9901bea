/// The 22 known event types of SPEC §2, as the generator draws them.
enum GeneratedEventType: Int, CaseIterable {
    case sandboxCreated, sandboxStarted, sandboxPaused, sandboxResumed, sandboxTerminated, sandboxError
    case execStarted, execCompleted, execStreamed, execError
    case fileCreated, fileRead, fileDeleted, fileError
    case portExposed, portClosed
    case agentThinking, agentToolCall, agentToolResult, agentError
    case costRuntime, costLLM

    var name: String {
        switch self {
        case .sandboxCreated: "sandbox.created"
        case .sandboxStarted: "sandbox.started"
        case .sandboxPaused: "sandbox.paused"
        case .sandboxResumed: "sandbox.resumed"
        case .sandboxTerminated: "sandbox.terminated"
        case .sandboxError: "sandbox.error"
        case .execStarted: "exec.started"
        case .execCompleted: "exec.completed"
        case .execStreamed: "exec.streamed"
        case .execError: "exec.error"
        case .fileCreated: "file.created"
        case .fileRead: "file.read"
        case .fileDeleted: "file.deleted"
        case .fileError: "file.error"
        case .portExposed: "port.exposed"
        case .portClosed: "port.closed"
        case .agentThinking: "agent.thinking"
        case .agentToolCall: "agent.tool_call"
        case .agentToolResult: "agent.tool_result"
        case .agentError: "agent.error"
        case .costRuntime: "cost.runtime"
        case .costLLM: "cost.llm"
        }
    }

    /// How often each type is drawn for a running sandbox (out of 101). The lifecycle types
    /// created, started and terminated are not drawn; the sandbox life cycle emits them.
    static let weights: [(GeneratedEventType, Int)] = [
        (.execStarted, 17), (.execCompleted, 17), (.execStreamed, 13), (.execError, 1),
        (.fileCreated, 6), (.fileRead, 8), (.fileDeleted, 1), (.fileError, 1),
        (.agentThinking, 7), (.agentToolCall, 8), (.agentToolResult, 8), (.agentError, 1),
        (.costRuntime, 3), (.costLLM, 5), (.portExposed, 1), (.portClosed, 1),
        (.sandboxPaused, 1), (.sandboxResumed, 1), (.sandboxError, 1),
    ]
}
