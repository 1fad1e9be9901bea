internal import RunraEvents

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Loads batches over several connections at once: each batch goes to the next ``EventLoader`` in turn, on that
/// loader's own thread, in its own transaction (so a second server process works on the second core).
///
/// Idempotence is the loaders' own: a batch is committed whole or not at all, and ids already in the table (or
/// being inserted by the other connection) are skipped (``EventLoader`` falls back to staging and
/// `ON CONFLICT DO NOTHING` at the first unique violation, and retries a batch that hit a deadlock).
/// Batches may commit out of order; reports come back in submission order, on the caller's thread.
/// Memory: at most two batches per loader (one loading, one waiting) besides the caller's.
/// Used from one thread; call ``finish()`` (or ``close()`` after an error) before dropping it.
public final class ParallelEventLoader {
    private let shared: Shared
    private let threads: [LoaderThread]
    private var next = 0
    /// Submitted batches not yet reported: which loader has each, and what to do with its report.
    private var pending: [(loader: Int, completion: (PGLoadReport) throws -> Void)] = []

    /// A pool over `loaders`, one thread each; give each its own connection.
    public init(loaders: [EventLoader]) {
        precondition(!loaders.isEmpty, "ParallelEventLoader needs at least one loader")
        let shared = Shared(count: loaders.count)
        self.shared = shared
        threads = loaders.enumerated().map { index, loader in
            let box = UncheckedLoader(loader: loader)
            return LoaderThread { shared.serve(index, box.loader) }
        }
    }

    deinit { close() }

    /// Hands `rows` to the next loader (waiting while it still has a batch queued) and, before returning, calls
    /// the completions of batches that finished meanwhile, in submission order. Throws the first failure of any
    /// batch (or of a completion); batches already handed over may still commit.
    public func submit(_ rows: [PGEventRow], then completion: @escaping (PGLoadReport) throws -> Void) throws {
        let index = next
        next = (next + 1) % threads.count
        try deliver(waitingForRoomIn: index)
        shared.monitor.withLock {
            shared.queued[index].append(rows)
            shared.monitor.broadcast()
        }
        pending.append((index, completion))
    }

    /// Waits for every submitted batch, calls their completions in order, and stops the threads.
    /// Throws the first failure.
    public func finish() throws {
        defer { close() }
        try deliver(waitingForRoomIn: nil)
    }

    /// Stops the threads after their current batch, dropping batches not started. Safe to call twice.
    public func close() {
        shared.monitor.withLock {
            guard !shared.closed else { return }
            shared.closed = true
            for index in shared.queued.indices { shared.queued[index].removeAll() }
            shared.monitor.broadcast()
        }
        for thread in threads { thread.join() }
    }

    /// Calls the completions of finished batches in order. With `index`, returns once loader `index` has no batch
    /// waiting; with `nil`, once every batch is reported.
    private func deliver(waitingForRoomIn index: Int?) throws {
        while true {
            let head: (Int, Result<PGLoadReport, PostgresError>)? = shared.monitor.withLock {
                shared.monitor.wait {
                    if let first = pending.first, !shared.results[first.loader].isEmpty { return true }
                    if let index { return shared.queued[index].isEmpty }
                    return pending.isEmpty
                }
                guard let loader = pending.first?.loader else { return nil }
                guard !shared.results[loader].isEmpty else { return nil }
                return (loader, shared.results[loader].removeFirst())
            }
            guard let (_, result) = head else { return }
            // At most two batches per loader are pending, so removing the first is cheap.
            let completion = pending.removeFirst().completion
            try completion(result.get())
        }
    }

    /// State shared with the loader threads, under ``monitor``.
    private final class Shared: @unchecked Sendable {
        let monitor = Monitor()
        /// Per loader: batches waiting for it.
        var queued: [[[PGEventRow]]]
        /// Per loader: outcomes of finished batches, in order.
        var results: [[Result<PGLoadReport, PostgresError>]]
        var closed = false

        init(count: Int) {
            queued = Array(repeating: [], count: count)
            results = Array(repeating: [], count: count)
        }

        /// Loader `index`'s thread: loads its batches until closed.
        func serve(_ index: Int, _ loader: EventLoader) {
            while true {
                let rows: [PGEventRow]? = monitor.withLock {
                    monitor.wait { closed || !queued[index].isEmpty }
                    return closed ? nil : queued[index].removeFirst()
                }
                guard let rows else { return }
                let result: Result<PGLoadReport, PostgresError>
                do { result = .success(try loader.load(rows)) } catch { result = .failure(error) }
                monitor.withLock {
                    results[index].append(result)
                    monitor.broadcast()
                }
            }
        }
    }
}

/// A loader handed to exactly one thread, which alone uses it from then on.
private struct UncheckedLoader: @unchecked Sendable {
    let loader: EventLoader
}

/// A thread running `body`; ``join()`` waits for it (once).
private final class LoaderThread: @unchecked Sendable {
    private var thread = pthread_t()
    private var joined = false
    private let body: () -> Void

    init(_ body: @escaping () -> Void) {
        self.body = body
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(
            &thread,
            nil,
            { raw in
                let worker = Unmanaged<LoaderThread>.fromOpaque(raw!).takeRetainedValue()
                worker.body()
                return nil
            },
            context
        )
    }

    func join() {
        guard !joined else { return }
        joined = true
        pthread_join(thread, nil)
    }
}
