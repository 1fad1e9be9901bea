#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Writes to a closed pipe (`runra-events filter … | head -1`) end the program quietly with
// status 0, as grep's users expect; see StandardOutput.
signal(SIGPIPE, SIG_IGN)
// A write past `ulimit -f` fails with EFBIG and a clear message instead of killing the program with SIGXFSZ.
signal(SIGXFSZ, SIG_IGN)
// `runra-events --version` answers before the argument parser starts (SPEC §8: start-up).
if CommandLine.arguments.count == 2 && CommandLine.arguments[1] == "--version" {
    var line = RunraEventsVersion.current + "\n"
    line.withUTF8 { _ = write(1, $0.baseAddress, $0.count) }
    exit(0)
}
// `tail [-n N] FILE` runs without building ArgumentParser's argument set (SPEC §8: `tail -n 10`); see QuickTail.
if let quickTail = QuickTail(arguments: CommandLine.arguments) {
    CommandLineEntry.run(quickTail.run)
}
CommandLineEntry.run()
