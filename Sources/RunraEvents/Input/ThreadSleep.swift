#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocks the calling thread for `interval` (the follow loops of `tail -f` and `replay --follow`, which run on
/// threads of their own).
func sleepThread(for interval: Duration) {
    let (seconds, attoseconds) = interval.components
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    _ = nanosleep(&request, nil)
}
