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
        let columnCount = runra_PQnfields(result)
        let rowCount = runra_PQntuples(result)
        columns = (0..<columnCount).map { String(cString: runra_PQfname(result, $0)) }
        rows = (0..<rowCount).map { row in
            (0..<columnCount).map { column in
                runra_PQgetisnull(result, row, column) != 0
                    ? nil : String(cString: runra_PQgetvalue(result, row, column))
            }
        }
        affectedRows = Int(String(cString: runra_PQcmdTuples(result))) ?? 0
    }

    /// The first column of the first row, or `nil`.
    public var scalar: String? { rows.first?.first ?? nil }
}
