internal import Dispatch

/// A `SerialExecutor` over a private serial `DispatchQueue`, for actors whose methods block in C
/// (libpq calls, `write(2)` to a pipe, `waitpid`).
///
/// The cooperative pool has one thread per core; a blocking call there stalls every other task.
/// An actor that declares `nonisolated var unownedExecutor` backed by one of these runs its methods
/// on the queue's thread instead, one job at a time, and its non-`Sendable` state stays on that queue
/// (STYLE §5.9). `DispatchSerialQueue` does not exist in Linux's Dispatch, hence this type.
final class BlockingExecutor: SerialExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    /// An executor on a new serial queue named `label`.
    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
