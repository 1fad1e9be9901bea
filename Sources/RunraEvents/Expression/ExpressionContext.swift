/// Something expressions can read paths from (an event, a stats row).
///
/// Return `nil` for a path that is not there; expressions treat it as `null`,
/// except `exists(path)`, which tells the two apart.
public protocol ExpressionContext {
    /// The value at `path`, or `nil` when the path is missing.
    func value(at path: JSONPath) -> JSONValue?
}

/// A JSON value is a context: paths are looked up below it (`data.x` is `self["data"]["x"]`).
extension JSONValue: ExpressionContext {}
