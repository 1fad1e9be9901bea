import ArgumentParser
import RunraEvents

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When to color output.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    /// Whether standard output gets colors: `auto` colors a terminal, unless NO_COLOR is set or TERM is dumb.
    var colorsStandardOutput: Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
            if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
            return StandardOutput.isTerminal
        }
    }
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Color output: auto (on a terminal, unless NO_COLOR is set), always or never.")
    var color: ColorChoice = .auto

    @Flag(name: .shortAndLong, help: "No progress and no summary on standard error.")
    var quiet = false

    @Flag(name: .long, help: "More diagnostics on standard error (never secrets).")
    var verbose = false

    /// Whether to color what goes to standard output.
    var colorsStandardOutput: Bool { color.colorsStandardOutput }
}
