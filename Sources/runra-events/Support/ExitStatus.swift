import ArgumentParser
import RunraEvents

/// SPEC §4's exit statuses, and the one place where errors become them.
enum ExitStatus {
    static let success: Int32 = 0
    static let nothingMatched: Int32 = 1
    static let usageOrInput: Int32 = 2
    static let thresholdCrossed: Int32 = 3
    static let exporterFailed: Int32 = 4
    static let interrupted: Int32 = 130

    /// Prints `error` for the user (on stderr, or help on stdout) and returns the exit status.
    static func report(_ error: any Error) -> Int32 {
        if let exit = error as? ExitCode {
            return exit.rawValue
        }
        if let error = error as? RunraError {
            let prefix = "runra-events: error: "
            StandardError.print(prefix + CaretLine.aligned(error.message, after: prefix))
            return status(for: error.code)
        }
        let code = RunraEventsCommand.exitCode(for: error)
        let message = RunraEventsCommand.fullMessage(for: error)
        if code == .success {
            // --help and --version.
            if !message.isEmpty { StandardOutput.shared.write(message + "\n") }
            StandardOutput.shared.flush()
            return success
        }
        if !message.isEmpty { StandardError.print(message) }
        // swift-argument-parser says 64 for usage errors; SPEC §9 says 2.
        return code == .validationFailure ? usageOrInput : (code.rawValue == 0 ? 0 : usageOrInput)
    }

    static func status(for code: RunraError.Code) -> Int32 {
        switch code {
        case .exporter: return exporterFailed
        default: return usageOrInput
        }
    }
}
