internal import RunraEvents
internal import RunraReplay

/// Splits `events` into chunks of at most `chunkSize` and sends up to `concurrency` of them at
/// once, merging the outcomes in order.
///
/// A chunk whose delivery gave up (its closure threw) counts its events as rejected with the
/// error as the reason (SPEC §9: given-up events are dead-lettered like rejected ones); when
/// every chunk gave up, the error is thrown instead so the engine sees the exporter is failing.
func sendInChunks(
    _ events: [RuntimeEvent],
    chunkSize: Int,
    concurrency: Int,
    send: @escaping @Sendable (ArraySlice<RuntimeEvent>) async throws -> ExportOutcome
) async throws -> ExportOutcome {
    guard !events.isEmpty else { return .accepted }
    let ranges = stride(from: 0, to: events.count, by: chunkSize).map { $0..<min($0 + chunkSize, events.count) }
    if ranges.count == 1 { return try await send(events[...]) }

    var results = [Result<ExportOutcome, any Error>?](repeating: nil, count: ranges.count)
    try await withThrowingTaskGroup(of: (Int, Result<ExportOutcome, any Error>).self) { group in
        var next = 0
        func start() {
            let index = next
            let slice = events[ranges[index]]
            group.addTask {
                do { return (index, .success(try await send(slice))) } catch is CancellationError {
                    throw CancellationError()
                } catch { return (index, .failure(error)) }
            }
            next += 1
        }
        while next < min(concurrency, ranges.count) { start() }
        while let (index, result) = try await group.next() {
            results[index] = result
            if next < ranges.count { start() }
        }
    }
    var merged = ExportOutcome()
    var failures: [any Error] = []
    for (index, result) in results.enumerated() {
        switch result! {
        case .success(let outcome):
            merged.rejected += outcome.rejected
            merged.rejectedWithoutDetail += outcome.rejectedWithoutDetail
            merged.retries += outcome.retries
            merged.bytesSent += outcome.bytesSent
        case .failure(let error):
            failures.append(error)
            merged.retries += ExportFailure.retries(of: error)
            let reason = String(describing: error)
            merged.rejected += events[ranges[index]].map { RejectedEvent(event: $0, reason: reason) }
        }
    }
    if failures.count == ranges.count, let first = failures.first { throw withRetries(first, merged.retries) }
    return merged
}

/// `error`, counting `retries` (those of every part that gave up) when it is an ``ExportFailure``.
func withRetries(_ error: any Error, _ retries: Int) -> any Error {
    guard var failure = error as? ExportFailure else { return error }
    failure.retries = retries
    return failure
}
