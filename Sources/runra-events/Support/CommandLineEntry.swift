import ArgumentParser
import RunraEvents

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses the command line, runs the command and maps every failure to SPEC §4's exit codes.
enum CommandLineEntry {
    static func run() async {
        do {
            var command = try RunraEventsCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            StandardOutput.shared.flush()
            exit(0)
        } catch {
            StandardOutput.shared.flush()
            exit(ExitStatus.report(error))
        }
    }
}
