#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Help text that is not wrapped when it goes to a pipe or a file, so an example copied from `--help | less` or
/// docs/cli.md is the command as written.
///
/// ArgumentParser wraps help at the terminal's width, and at 80 columns when standard output is not a terminal;
/// `COLUMNS` overrides both. While the command line is parsed (and its errors or help printed), a `COLUMNS` of
/// 10,000 stands in when output is not a terminal and the user set none. On a terminal, help is wrapped to fit;
/// the examples are kept under 80 columns (`HelpExamplesTests`).
enum HelpWidth {
    /// Sets the wide `COLUMNS` when output is not a terminal and none is set; the returned function takes it away
    /// again, so the commands that start other programs (replay's exec exporter) do not pass it on.
    static func unwrappedWhenPiped() -> () -> Void {
        guard isatty(STDOUT_FILENO) == 0, getenv("COLUMNS") == nil else { return {} }
        setenv("COLUMNS", "10000", 1)
        return { unsetenv("COLUMNS") }
    }
}
