public import RunraEvents

extension PGEventRow {
    /// The row for `event` (SPEC §5), as both `load-pg` and the `postgres` exporter build it.
    ///
    /// The timestamp is passed to PostgreSQL exactly as written (it parses and validates it); `data` is the
    /// raw JSON text of the line. Missing fields become empty strings, which the table's constraints refuse
    /// (`id`, `timestamp`) or keep (`sandboxId`, `runId`).
    public init(event: RuntimeEvent) {
        let timestamp: String
        if let raw = event.rawValue(at: JSONPath(keys: "timestamp")), raw.first == UInt8(ascii: "\""),
            !raw.contains(UInt8(ascii: "\\"))
        {
            timestamp = String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
        } else {
            timestamp = event.value(at: JSONPath(keys: "timestamp"))?.stringValue ?? ""
        }
        self.init(
            id: event.id ?? "",
            timestamp: timestamp,
            type: event.type,
            sandboxId: event.sandboxId ?? "",
            runId: event.runId ?? "",
            dataJSON: event.dataText ?? []
        )
    }
}
