#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A child process started with `posix_spawnp`, whose standard input is a pipe we write to.
///
/// Its stdout and stderr are ours. Blocking (writes wait for the child to read, waits poll `waitpid`):
/// use it from a ``BlockingExecutor``. Owned by one actor; the child is killed and reaped if still running
/// when the object goes away.
final class ChildProcess {
    /// The child's process id.
    let pid: pid_t
    /// The write end of the child's stdin, `-1` once closed.
    private var input: Int32
    /// How the child ended, once reaped.
    private(set) var exitStatus: ChildExitStatus?

    /// Starts `command` (looked up in `PATH` when it has no `/`) with `arguments`, `environment` and `directory`.
    ///
    /// Signals the child would otherwise inherit as ignored or blocked (the CLI ignores SIGPIPE) are reset, so
    /// it dies of SIGPIPE as usual when its own output goes away. Throws the `errno` of a failed start.
    init(command: String, arguments: [String], environment: [String], directory: String?) throws(ChildProcessError) {
        var fds: [Int32] = [-1, -1]
        if let pipe2 = GNUExtensions.pipe2 {
            // Close-on-exec from the start, so a process another thread spawns meanwhile cannot inherit the pipe.
            guard pipe2(&fds, O_CLOEXEC) == 0 else { throw ChildProcessError(errno: errno, step: "creating a pipe") }
        } else {
            guard pipe(&fds) == 0 else { throw ChildProcessError(errno: errno, step: "creating a pipe") }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        }
        #if canImport(Darwin)
        _ = fcntl(fds[1], F_SETNOSIGPIPE, 1)
        #endif
        let (readEnd, writeEnd) = (fds[0], fds[1])

        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        if let directory {
            guard let addChdir = GNUExtensions.addChdir else {
                close(readEnd)
                close(writeEnd)
                throw ChildProcessError(errno: ENOSYS, step: "changing to \(directory)")
            }
            _ = withUnsafeMutablePointer(to: &actions) { addChdir(UnsafeMutableRawPointer($0), directory) }
        }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([command] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, command, &actions, &attributes, argv, envp)
        close(readEnd)
        guard result == 0 else {
            close(writeEnd)
            throw ChildProcessError(errno: result, step: ChildProcessError.spawning)
        }
        self.pid = pid
        input = writeEnd
    }

    deinit {
        if input >= 0 { close(input) }
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
    }

    /// Writes all of `bytes` to the child's stdin; returns `0` or the `errno` (`EPIPE`: the child closed it).
    ///
    /// SIGPIPE is blocked on this thread while writing and a SIGPIPE the write raised is consumed, as libpq
    /// does, so a dead child cannot kill us even when the program has not ignored SIGPIPE.
    func write(_ bytes: [UInt8]) -> Int32 {
        guard input >= 0 else { return EBADF }
        #if canImport(Darwin)
        return writeAll(bytes)
        #else
        var sigpipe = sigset_t()
        sigemptyset(&sigpipe)
        sigaddset(&sigpipe, SIGPIPE)
        var saved = sigset_t()
        pthread_sigmask(SIG_BLOCK, &sigpipe, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        var pending = sigset_t()
        sigpending(&pending)
        let wasPending = sigismember(&pending, SIGPIPE) == 1
        let result = writeAll(bytes)
        if result == EPIPE && !wasPending {
            // A zero timeout: take the pending SIGPIPE without waiting. (Built in raw memory: with Foundation
            // in the module, `timespec`'s initializers resolve to CoreFoundation's copy of the type.)
            _ = withUnsafeTemporaryAllocation(of: timespec.self, capacity: 1) { zero in
                UnsafeMutableRawBufferPointer(zero).initializeMemory(as: UInt8.self, repeating: 0)
                return sigtimedwait(&sigpipe, nil, zero.baseAddress!)
            }
        }
        return result
        #endif
    }

    private func writeAll(_ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                #if canImport(Darwin)
                let written = Darwin.write(input, buffer.baseAddress! + offset, buffer.count - offset)
                #elseif canImport(Musl)
                let written = Musl.write(input, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                let written = Glibc.write(input, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
                if written >= 0 {
                    offset += written
                } else if errno != EINTR {
                    return errno
                }
            }
            return 0
        }
    }

    /// Closes the child's stdin, so it sees end of input.
    func closeInput() {
        guard input >= 0 else { return }
        close(input)
        input = -1
    }

    /// How the child ended, if it has (without waiting).
    func poll() -> ChildExitStatus? {
        guard exitStatus == nil else { return exitStatus }
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, WNOHANG) } while result < 0 && errno == EINTR
        if result == pid { exitStatus = ChildExitStatus(waitStatus: status) }
        return exitStatus
    }

    /// Waits up to `milliseconds` for the child to end; `nil` if it is still running.
    func wait(milliseconds: Int) -> ChildExitStatus? {
        var waited = 0
        while true {
            if let status = poll() { return status }
            if waited >= milliseconds { return nil }
            usleep(5_000)
            waited += 5
        }
    }

    /// Asks the child to stop (SIGTERM), then kills it (SIGKILL) if it has not ended within `milliseconds`.
    func terminate(graceMilliseconds milliseconds: Int) -> ChildExitStatus? {
        guard poll() == nil else { return exitStatus }
        kill(pid, SIGTERM)
        if let status = wait(milliseconds: milliseconds) { return status }
        kill(pid, SIGKILL)
        return wait(milliseconds: 10_000)
    }
}

/// Why a child process could not be started.
struct ChildProcessError: Error {
    /// The `errno`.
    var errno: Int32
    /// What was being done, e.g. ``spawning``.
    var step: String

    /// The step of `posix_spawnp` itself.
    static let spawning = "spawning"

    /// `strerror`'s text.
    var reason: String { String(cString: strerror(errno)) }
}
