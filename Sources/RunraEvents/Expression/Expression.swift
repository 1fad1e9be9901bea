/// A compiled `--where` / `--fail-if` / exporter `condition` expression.
///
/// Parse once, evaluate per event: `try Expression(parsing: "data.exitCode != 0").matches(event)`.
/// A missing path is `null`; the grammar and the value rules are in docs/expressions.md.
public struct Expression: Sendable, CustomStringConvertible {
    private let root: ExpressionNode

    /// Every path the expression reads, in order of first appearance, without repeats.
    public let paths: [JSONPath]

    /// The source text.
    public let description: String

    /// The first names its paths may have.
    public let roots: PathRoots

    /// Parses `source`: the language of docs/expressions.md, or the runtime's arrow form `(e) => e.data.exitCode !==
    /// 0`.
    ///
    /// With `roots: .event`, a path whose first name is not a field of an event is an error with a suggestion.
    ///
    /// - Throws: ``RunraError`` `.expressionSyntax` whose message names the column (1-based)
    ///   and shows the expression with a caret under the problem.
    public init(parsing source: String, roots: PathRoots = .any) throws {
        do {
            var parser = try ExpressionParser(source, roots: roots)
            root = try parser.parseExpression()
            var seen = Set<JSONPath>()
            paths = parser.paths.filter { seen.insert($0).inserted }
        } catch {
            throw error.runraError(source: source)
        }
        description = source
        self.roots = roots
    }

    /// The expression's value in `context` (a boolean for tests, any value for arithmetic and paths).
    public func evaluate(in context: some ExpressionContext) -> JSONValue {
        root.value(in: context)
    }

    /// Whether the expression holds in `context`: its value is neither `null` nor `false`.
    public func matches(_ context: some ExpressionContext) -> Bool {
        root.test(in: context)
    }
}

extension Expression {
    /// The same expression with storage of its own, for the one thread that will evaluate it.
    ///
    /// Evaluating retains and releases the tree's nodes and paths. Threads sharing one tree update the same
    /// reference counts, and those atomic updates bounce between the cores: `filter --where` took about a third
    /// more CPU time on 2 cores than on one. Parsing the source again gives every node, array and string anew.
    func copiedForOneThread() -> Expression {
        (try? Expression(parsing: description, roots: roots)) ?? self
    }
}
