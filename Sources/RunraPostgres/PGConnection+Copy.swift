internal import CLibPQ

extension PGConnection {
    /// Runs `sql` (a `COPY … FROM STDIN` statement), streams `chunks` to the server, and returns the rows copied.
    ///
    /// Chunk boundaries mean nothing: a row may span chunks. If the server refuses any row, nothing is copied
    /// and the error (with the server's `CONTEXT`, naming the line) is thrown.
    /// The corresponding C functions are `PQputCopyData`, `PQputCopyEnd` and `PQgetResult`.
    @discardableResult
    public func copyIn(_ sql: String, chunks: some Sequence<[UInt8]>) throws(PostgresError) -> Int {
        try copyIn(sql) { (stream: CopyInStream) throws(PostgresError) in
            for chunk in chunks { try stream.send(chunk) }
        }
    }

    /// `copyIn` with a producer that calls ``CopyInStream/send(_:)`` as it encodes, so the server works meanwhile.
    func copyIn(_ sql: String, _ produce: (CopyInStream) throws(PostgresError) -> Void) throws(PostgresError) -> Int {
        let context = "running \(Self.summary(sql))"
        guard let start = runra_PQexec(handle, sql) else { throw connectionError(context: context, code: .copyFailed) }
        guard runra_PQresultStatus(start) == PGRES_COPY_IN else {
            defer { runra_PQclear(start) }
            let error = error(from: start, context: context, code: .copyFailed)
            drainResults()
            throw error
        }
        runra_PQclear(start)
        do {
            try produce(CopyInStream(connection: self, context: context))
        } catch {
            // Abort the COPY so the connection is usable again, then report the producer's error.
            _ = runra_PQputCopyEnd(handle, "aborted by the client")
            drainResults()
            throw error
        }
        guard runra_PQputCopyEnd(handle, nil) == 1 else {
            let error = connectionError(context: context, code: .copyFailed)
            drainResults()
            throw error
        }
        var outcome: Result<Int, PostgresError> = .failure(
            PostgresError(.copyFailed, context: context, serverMessage: "the server sent no result for the COPY")
        )
        var first = true
        while let result = runra_PQgetResult(handle) {
            defer { runra_PQclear(result) }
            guard first else { continue }
            first = false
            if runra_PQresultStatus(result) == PGRES_COMMAND_OK {
                outcome = .success(Int(String(cString: runra_PQcmdTuples(result))) ?? 0)
            } else {
                outcome = .failure(error(from: result, context: context, code: .copyFailed))
            }
        }
        if first, !isOpen { outcome = .failure(connectionError(context: context, code: .copyFailed)) }
        return try outcome.get()
    }

    /// Reads and frees results until libpq has none left, so the next statement can run.
    func drainResults() {
        while let result = runra_PQgetResult(handle) { runra_PQclear(result) }
    }
}

/// The sending side of a COPY in progress.
struct CopyInStream {
    let connection: PGConnection
    let context: String

    /// Queues `bytes` for the server (blocking until libpq accepted them).
    func send(_ bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        var offset = 0
        // PQputCopyData takes an int length; stay well below it.
        while offset < bytes.count {
            let length = min(bytes.count - offset, 1 << 30)
            let status = runra_PQputCopyData(
                connection.handle,
                bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self),
                Int32(length)
            )
            guard status == 1 else { throw connection.connectionError(context: context, code: .copyFailed) }
            offset += length
        }
    }

    /// Queues `bytes` for the server.
    func send(_ bytes: [UInt8]) throws(PostgresError) {
        var failure: PostgresError?
        bytes.withUnsafeBytes { raw in
            do throws(PostgresError) { try send(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}
