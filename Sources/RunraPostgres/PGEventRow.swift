/// One event as a row of the events table (SPEC §5).
public struct PGEventRow: Sendable, Equatable {
    /// The event's `id` (the primary key). Empty when the event has none: the row is then rejected.
    public var id: String
    /// The event's `timestamp` exactly as written in the line (RFC 3339); PostgreSQL parses it.
    /// Empty when the event has none: the row is then rejected by the `NOT NULL` constraint.
    public var timestamp: String
    /// The event's `type`.
    public var type: String
    /// The event's `sandboxId` (empty when absent).
    public var sandboxId: String
    /// The event's `runId` (empty when absent).
    public var runId: String
    /// The raw JSON text of the event's `data` object, as in the line. Empty means `{}`.
    public var dataJSON: [UInt8]

    /// A row with these column values.
    public init(id: String, timestamp: String, type: String, sandboxId: String, runId: String, dataJSON: [UInt8]) {
        self.id = id
        self.timestamp = timestamp
        self.type = type
        self.sandboxId = sandboxId
        self.runId = runId
        self.dataJSON = dataJSON
    }
}
