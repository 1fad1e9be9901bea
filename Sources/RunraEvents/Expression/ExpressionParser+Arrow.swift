/// The runtime's JavaScript form of a condition: `(e) => e.data.exitCode !== 0`, `e => !e.type.startsWith("file.")`.
///
/// The arrow's parameter starts every path and is dropped from it (`e.data.exitCode` reads `data.exitCode`);
/// `!`, `&&`, `||` and the body test JavaScript truthiness; `.startsWith(s)`, `.endsWith(s)` and `.includes(s)`
/// are the only calls. What JavaScript allows beyond that is refused with what to write instead.
extension ExpressionParser {
    static let example = "(e) => e.data.exitCode !== 0"
    static let methods: [String: ExpressionNode.StringOperator] = [
        "startsWith": .startsWith, "endsWith": .endsWith, "includes": .contains,
    ]

    /// Reads `(name) =>` or `name =>` when the source starts with one, and refuses bodies that are not one expression.
    mutating func parseArrowHead() throws(ExpressionSyntaxError) {
        let ahead = peekKinds(4)
        let arrowAt: Int
        switch (current.kind, ahead[0], ahead[1], ahead[2]) {
        case (.identifier(let name), .arrow, _, _):
            parameter = name
            arrowAt = 1
        case (.leftParen, .identifier(let name), .rightParen, .arrow):
            parameter = name
            arrowAt = 3
        case (.leftParen, .rightParen, .arrow, _):
            throw ExpressionSyntaxError(
                "the arrow function needs a parameter for the event: write \(Self.example)",
                at: current.start
            )
        case (.leftParen, .identifier, .comma, _):
            throw ExpressionSyntaxError(
                "the arrow function takes one parameter, the event: write \(Self.example)",
                at: current.start
            )
        case (.identifier("function"), .leftParen, _, _), (.identifier("function"), .identifier, _, _):
            throw ExpressionSyntaxError(
                "a 'function' is not accepted; write an arrow function: \(Self.example)",
                at: current.start
            )
        default: return
        }
        for _ in 0..<(arrowAt + 1) { try advance() }
        if current.kind == .leftBrace {
            throw ExpressionSyntaxError(
                "a block body '{ … }' is not accepted; write the condition as one expression after '=>':"
                    + " \(Self.example)",
                at: current.start
            )
        }
    }

    /// `node` as a test of the arrow form: a value (a path, a number) is tested by JavaScript truthiness.
    func condition(_ node: ExpressionNode) -> ExpressionNode {
        guard parameter != nil else { return node }
        switch node {
        case .literal, .undefined, .path, .negate, .arithmetic, .array: return .truthy(node)
        default: return node
        }
    }

    /// What to write instead of the token after a whole operand.
    func expectedOperatorHint() -> String {
        switch current.kind {
        case .semicolon: return "a condition is one expression: remove the ';'"
        case .question: return "the conditional operator '? :' is not accepted: write (a && b) || c"
        case .arrow: return "an arrow function starts the condition, as in \(Self.example) (or did you mean '>='?)"
        case .leftParen:
            return "a call is not accepted here: use .startsWith(…), .endsWith(…) or .includes(…) on a value"
        default: return "expected an operator"
        }
    }

    /// `.startsWith(s)`, `.endsWith(s)` and `.includes(s)` after an operand, any number of times.
    mutating func parseMethodCalls(on operand: Parsed) throws(ExpressionSyntaxError) -> Parsed {
        var result = operand
        while current.kind == .dot || current.kind == .optionalDot {
            try advance()
            let nameToken = current
            guard case .identifier(let name) = nameToken.kind, peekKinds(1)[0] == .leftParen else {
                throw ExpressionSyntaxError(
                    "expected a method call such as .startsWith(\"x\") after a value; a path starts with a field name",
                    at: nameToken.start
                )
            }
            guard let method = Self.methods[name] else {
                throw ExpressionSyntaxError(
                    "'.\(name)()' cannot be called: a condition calls only .startsWith(), .endsWith() and .includes(); "
                        + "for other tests use the operators of docs/expressions.md (==, <, in [...], =~ \"regex\")",
                    at: nameToken.start
                )
            }
            try advance()
            try enter(at: current.start)
            try advance()
            let argument = try parseBinary(minimumPrecedence: 1)
            if current.kind == .comma {
                throw ExpressionSyntaxError("'.\(name)()' takes one argument here", at: current.start)
            }
            try expect(.rightParen, "')'")
            depth -= 1
            let node = ExpressionNode.string(method, result.node, argument.node)
            result = try checked(
                Parsed(node: node, height: max(result.height, argument.height) + 1),
                at: nameToken.start
            )
        }
        return result
    }

    /// Refuses `name(…)`, a call of a function the language does not have (`exists(path)` is parsed before).
    func refuseCall(named name: String, at start: Int) throws(ExpressionSyntaxError) {
        if name == "return" {
            throw ExpressionSyntaxError(
                "'return' is not needed: the arrow's body is its value; write \(Self.example)",
                at: start
            )
        }
        guard peekKinds(1)[0] == .leftParen else { return }
        throw ExpressionSyntaxError(
            "'\(name)(…)' cannot be called: the functions of a condition are exists(path) and the methods "
                + ".startsWith(), .endsWith() and .includes(), as in e.type.startsWith(\"file.\")",
            at: start
        )
    }

    /// The path after the arrow's parameter, without it; `name` was read and must be the parameter.
    mutating func pathAfterParameter(
        _ name: String,
        start: Int,
        parameter: String
    ) throws(ExpressionSyntaxError) -> JSONPath {
        guard name == parameter else {
            let suggested = roots.refusal(of: JSONPath(keys: name)) == nil ? name : "data.\(name)"
            throw ExpressionSyntaxError(
                "'\(name)' is not defined: paths start with the arrow's parameter; did you "
                    + "mean \(parameter).\(suggested)?",
                at: start
            )
        }
        var path = JSONPath([])
        var bracketed = true
        switch current.kind {
        case .dot, .optionalDot:
            try advance()
            if current.kind == .leftBracket {
                path.components.append(try parseSubscript())
                break
            }
            bracketed = false
            guard case .identifier(let field) = current.kind else {
                throw ExpressionSyntaxError("expected a field name after '\(parameter).'", at: current.start)
            }
            path.components.append(.key(field))
            try advance()
        case .leftBracket:
            path.components.append(try parseSubscript())
        default:
            throw ExpressionSyntaxError(
                "'\(parameter)' is the whole event; test one of its fields, as in \(parameter).type "
                    + "== \"exec.completed\"",
                at: start
            )
        }
        let whole = try continuePath(path)
        if !bracketed, let refusal = roots.refusal(of: whole, prefix: parameter + ".") {
            throw ExpressionSyntaxError(refusal, at: start)
        }
        return whole
    }

    /// Whether the tokens ahead are `name(`: the current `.` or `?.` starts a method call, not a path step.
    func isMethodCallAhead() -> Bool {
        let ahead = peekKinds(2)
        guard case .identifier = ahead[0] else { return false }
        return ahead[1] == .leftParen
    }

    /// The kinds of the next `count` tokens after the current one (`.end` past the end or at a lexing error).
    func peekKinds(_ count: Int) -> [ExpressionToken.Kind] {
        var copy = lexer
        return (0..<count).map { _ in (try? copy.next())?.kind ?? .end }
    }
}
