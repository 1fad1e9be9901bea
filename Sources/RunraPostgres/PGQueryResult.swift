internal import CLibPQ

/// What a statement returned: its rows as text (`nil` for NULL) and how many rows it affected.
public struct PGQueryResult: Sendable {
    /// The column names.
    public var columns: [String]
    /// The rows, each value in PostgreSQL's text output format; `nil` is SQL NULL.
    public var rows: [[String?]]
    /// The count in the command tag (`INSERT 0 5` → 5), or 0 (`PQcmdTuples`).
    public var affectedRows: Int

    init(_ result: OpaquePointer) {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        rows = (0..<rowCount).map { row in
            (0..<columnCount).map { column in
                PQgetisnull(result, row, column) != 0 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
        affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// The first column of the first row, or `nil`.
    public var scalar: String? { rows.first?.first ?? nil }
}
