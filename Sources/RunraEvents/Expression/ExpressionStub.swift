// Temporary stand-in until the expression language lands; replaced on merge.

/// Something expressions can read paths from (an event, a stats row).
public protocol ExpressionContext {
    func value(at path: JSONPath) -> JSONValue?
}

public struct Expression: Sendable, CustomStringConvertible {
    public init(parsing source: String) throws { description = source }
    public func evaluate(in context: some ExpressionContext) -> JSONValue { .null }
    public func matches(_ context: some ExpressionContext) -> Bool { false }
    public var paths: [JSONPath] { [] }
    public var description: String
}

extension JSONPath {
    public init(parsing text: String) throws {
        self.init(text.split(separator: ".").map { .key(String($0)) })
    }
}
