#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Writes to a closed pipe (`runra-events filter … | head -1`) end the program quietly with
// status 0, as grep's users expect; see StandardOutput.
signal(SIGPIPE, SIG_IGN)
await CommandLineEntry.run()
