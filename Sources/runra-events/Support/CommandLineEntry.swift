import ArgumentParser
import Dispatch
import RunraEvents

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses the command line, runs the command and maps every failure to SPEC §4's exit codes.
///
/// Commands that need Swift concurrency (`replay`, `load-pg`) run in a task while the main thread serves the main
/// queue; the others run on the main thread, so `tail -n 10` does not start the concurrency runtime's threads.
enum CommandLineEntry {
    static func run() -> Never {
        let command: any ParsableCommand
        let restoreWidth = HelpWidth.unwrappedWhenPiped()
        do {
            command = try RunraEventsCommand.parseAsRoot()
        } catch {
            finish(error)
        }
        if let asyncCommand = command as? any AsyncParsableCommand {
            restoreWidth()  // replay's exec and custom exporters start programs
            nonisolated(unsafe) var asyncCommand = asyncCommand
            Task.detached {
                do {
                    try await asyncCommand.run()
                    finish(nil)
                } catch {
                    finish(error)
                }
            }
            dispatchMain()
        }
        var syncCommand = command
        run { try syncCommand.run() }
    }

    /// Runs a command that needs no parsing (`QuickTail`) on the main thread.
    static func run(_ command: () throws -> Void) -> Never {
        do {
            try command()
            finish(nil)
        } catch {
            finish(error)
        }
    }

    /// Flushes standard output and exits with 0, or with the status `error` maps to.
    private static func finish(_ error: (any Error)?) -> Never {
        StandardOutput.shared.flush()
        exit(error.map(ExitStatus.report) ?? 0)
    }
}
