/// Turns expression text into an ``ExpressionNode`` tree (precedence climbing, one token of lookahead).
///
/// Nesting (parentheses, brackets, `exists(`, prefix operators) and the height of the tree are both
/// limited to ``maximumDepth``, so hostile input gets a syntax error, never a stack overflow.
struct ExpressionParser {
    static let maximumDepth = 256

    /// A subtree and its height.
    struct Parsed {
        var node: ExpressionNode
        var height: Int
    }

    private enum BinaryOperator {
        case or, and
        case compare(ExpressionNode.ComparisonOperator)
        case strict(negated: Bool)
        case member(negated: Bool)
        case match
        case string(ExpressionNode.StringOperator)
        case arithmetic(ExpressionNode.ArithmeticOperator)

        var precedence: Int {
            switch self {
            case .or: return 1
            case .and: return 2
            case .compare, .strict, .member, .match, .string: return 3
            case .arithmetic(.add), .arithmetic(.subtract): return 4
            case .arithmetic: return 5
            }
        }
    }

    private static let comparisonPrecedence = 3

    var lexer: ExpressionLexer
    var current: ExpressionToken
    var depth = 0
    /// Every path read, in order of first appearance.
    private(set) var paths: [JSONPath] = []
    /// The first names paths may have.
    let roots: PathRoots
    /// The arrow function's parameter (`e` in `(e) => e.type == "x"`), which every path starts with.
    var parameter: String?

    init(_ source: String, roots: PathRoots = .any) throws(ExpressionSyntaxError) {
        lexer = ExpressionLexer(source)
        current = try lexer.next()
        self.roots = roots
    }

    // MARK: Entry points

    /// A whole expression, up to the end of the input.
    mutating func parseExpression() throws(ExpressionSyntaxError) -> ExpressionNode {
        if current.kind == .end { throw ExpressionSyntaxError("empty expression", at: current.start) }
        try parseArrowHead()
        let parsed = try parseBinary(minimumPrecedence: 1)
        guard current.kind == .end else {
            throw ExpressionSyntaxError("unexpected \(describe(current)); \(expectedOperatorHint())", at: current.start)
        }
        return condition(parsed.node)
    }

    /// A whole path such as `data.items[0]`, up to the end of the input.
    mutating func parseStandalonePath() throws(ExpressionSyntaxError) -> JSONPath {
        if current.kind == .end { throw ExpressionSyntaxError("empty path", at: current.start) }
        let path = try parsePath(allowLeadingBracket: true)
        guard current.kind == .end else {
            throw ExpressionSyntaxError("unexpected \(describe(current)) in path", at: current.start)
        }
        return path
    }

    // MARK: Operators

    mutating func parseBinary(minimumPrecedence: Int) throws(ExpressionSyntaxError) -> Parsed {
        var left = try parseUnary()
        while let (operation, operatorStart) = try peekBinaryOperator(), operation.precedence >= minimumPrecedence {
            try consumeBinaryOperator(operation)
            let rightStart = current.start
            let right = try parseBinary(minimumPrecedence: operation.precedence + 1)
            left = try combine(operation, left, right, operatorStart: operatorStart, rightStart: rightStart)
            if operation.precedence == Self.comparisonPrecedence,
                let (next, nextStart) = try peekBinaryOperator(), next.precedence == Self.comparisonPrecedence
            {
                throw ExpressionSyntaxError("comparisons cannot be chained; add parentheses", at: nextStart)
            }
        }
        return left
    }

    /// The binary operator at the current token, if there is one.
    private func peekBinaryOperator() throws(ExpressionSyntaxError) -> (BinaryOperator, Int)? {
        let operation: BinaryOperator
        switch current.kind {
        case .orOr: operation = .or
        case .andAnd: operation = .and
        case .equal: operation = .compare(.equal)
        case .notEqual: operation = .compare(.notEqual)
        case .less: operation = .compare(.less)
        case .lessEqual: operation = .compare(.lessEqual)
        case .greater: operation = .compare(.greater)
        case .greaterEqual: operation = .compare(.greaterEqual)
        case .strictEqual: operation = .strict(negated: false)
        case .strictNotEqual: operation = .strict(negated: true)
        case .match: operation = .match
        case .plus: operation = .arithmetic(.add)
        case .minus: operation = .arithmetic(.subtract)
        case .star: operation = .arithmetic(.multiply)
        case .slash: operation = .arithmetic(.divide)
        case .identifier(let word):
            switch word {
            case "or": operation = .or
            case "and": operation = .and
            case "in": operation = .member(negated: false)
            case "not": operation = .member(negated: true)  // `not in`; checked when consumed
            case "contains": operation = .string(.contains)
            case "startsWith": operation = .string(.startsWith)
            case "endsWith": operation = .string(.endsWith)
            default: return nil
            }
        default: return nil
        }
        return (operation, current.start)
    }

    private mutating func consumeBinaryOperator(_ operation: BinaryOperator) throws(ExpressionSyntaxError) {
        let start = current.start
        try advance()
        if case .member(negated: true) = operation {
            guard current.kind == .identifier("in") else {
                throw ExpressionSyntaxError("expected 'in' after 'not' (or use 'not' before a value)", at: start)
            }
            try advance()
        }
    }

    private func combine(
        _ operation: BinaryOperator,
        _ left: Parsed,
        _ right: Parsed,
        operatorStart: Int,
        rightStart: Int
    ) throws(ExpressionSyntaxError) -> Parsed {
        let node: ExpressionNode
        switch operation {
        case .or:
            // Chains of `or` (and of `and`) stay one flat node, so long chains cost no height.
            if case .or(let operands) = left.node {
                return Parsed(node: .or(operands + [condition(right.node)]), height: max(left.height, right.height + 1))
            }
            node = .or([condition(left.node), condition(right.node)])
        case .and:
            if case .and(let operands) = left.node {
                return Parsed(
                    node: .and(operands + [condition(right.node)]),
                    height: max(left.height, right.height + 1)
                )
            }
            node = .and([condition(left.node), condition(right.node)])
        case .compare(let comparison): node = .compare(comparison, left.node, right.node)
        case .strict(let negated): node = .strictEqual(left.node, right.node, negated: negated)
        case .member(let negated): node = .member(left.node, right.node, negated: negated)
        case .string(let test): node = .string(test, left.node, right.node)
        case .arithmetic(let arithmetic):
            if case .literal(let a) = left.node, case .literal(let b) = right.node {
                return Parsed(node: .literal(ExpressionValues.arithmetic(arithmetic, a, b)), height: 1)
            }
            node = .arithmetic(arithmetic, left.node, right.node)
        case .match:
            guard case .literal(.string(let pattern)) = right.node else {
                throw ExpressionSyntaxError("'=~' needs a string literal pattern", at: rightStart)
            }
            let compiled: ExpressionPattern
            do {
                compiled = try ExpressionPattern(pattern)
            } catch {
                throw ExpressionSyntaxError("invalid regular expression (\(error))", at: rightStart)
            }
            return try checked(Parsed(node: .match(left.node, compiled), height: left.height + 1), at: operatorStart)
        }
        return try checked(Parsed(node: node, height: max(left.height, right.height) + 1), at: operatorStart)
    }

    func checked(_ parsed: Parsed, at offset: Int) throws(ExpressionSyntaxError) -> Parsed {
        guard parsed.height <= Self.maximumDepth else { throw tooDeep(at: offset) }
        return parsed
    }

    private func tooDeep(at offset: Int) -> ExpressionSyntaxError {
        ExpressionSyntaxError("expression nested too deeply (more than \(Self.maximumDepth) levels)", at: offset)
    }

    /// Prefix `!`, `not` and `-`, collected in a loop (no recursion per operator).
    private mutating func parseUnary() throws(ExpressionSyntaxError) -> Parsed {
        var prefixes: [(negate: Bool, start: Int)] = []
        prefixLoop: while true {
            switch current.kind {
            case .bang, .identifier("not"): prefixes.append((false, current.start))
            case .minus: prefixes.append((true, current.start))
            default: break prefixLoop
            }
            if depth + prefixes.count > Self.maximumDepth { throw tooDeep(at: current.start) }
            try advance()
        }
        depth += prefixes.count
        var operand = try parsePrimary()
        depth -= prefixes.count
        for prefix in prefixes.reversed() {
            if prefix.negate {
                if case .literal(.number(let number)) = operand.node {
                    operand = Parsed(node: .literal(.number(-number)), height: 1)
                } else {
                    operand = Parsed(node: .negate(operand.node), height: operand.height + 1)
                }
            } else {
                operand = Parsed(node: .not(condition(operand.node)), height: operand.height + 1)
            }
            operand = try checked(operand, at: prefix.start)
        }
        return operand
    }

    // MARK: Operands

    private mutating func parsePrimary() throws(ExpressionSyntaxError) -> Parsed {
        let primary = try parseOperand()
        return try parseMethodCalls(on: primary)
    }

    private mutating func parseOperand() throws(ExpressionSyntaxError) -> Parsed {
        let token = current
        switch token.kind {
        case .number(let value, _):
            try advance()
            return Parsed(node: .literal(.number(value)), height: 1)
        case .string(let value):
            try advance()
            return Parsed(node: .literal(.string(value)), height: 1)
        case .leftParen:
            try enter(at: token.start)
            try advance()
            let inner = try parseBinary(minimumPrecedence: 1)
            try expect(.rightParen, "')'")
            depth -= 1
            return inner
        case .leftBracket:
            try enter(at: token.start)
            let array = try parseArray(opening: token)
            depth -= 1
            return array
        case .dot:
            return try parsedPath()
        case .identifier(let word):
            switch word {
            case "true": try advance(); return Parsed(node: .literal(.bool(true)), height: 1)
            case "false": try advance(); return Parsed(node: .literal(.bool(false)), height: 1)
            case "null": try advance(); return Parsed(node: .literal(.null), height: 1)
            case "undefined": try advance(); return Parsed(node: .undefined, height: 1)
            case "and", "or", "in", "contains", "startsWith", "endsWith":
                throw ExpressionSyntaxError("expected a value but found '\(word)'", at: token.start)
            case "exists":
                try advance()
                guard current.kind == .leftParen else {
                    // A field that happens to be called `exists`.
                    if let parameter {
                        let path = try continuePath(
                            try pathAfterParameter(word, start: token.start, parameter: parameter)
                        )
                        return Parsed(node: .path(path), height: 1)
                    }
                    let path = try continuePath(JSONPath([.key(word)]))
                    if let refusal = roots.refusal(of: path) { throw ExpressionSyntaxError(refusal, at: token.start) }
                    return Parsed(node: .path(path), height: 1)
                }
                let opening = current
                try enter(at: opening.start)
                try advance()
                if current.kind == .rightParen || current.kind == .end {
                    throw ExpressionSyntaxError("expected a path inside exists(...)", at: current.start)
                }
                let path = try parsePath(allowLeadingBracket: true)
                try expect(.rightParen, "')'")
                depth -= 1
                return Parsed(node: .exists(path), height: 1)
            default:
                try refuseCall(named: word, at: token.start)
                return try parsedPath()
            }
        case .end:
            throw ExpressionSyntaxError("expected a value but found end of expression", at: token.start)
        default:
            throw ExpressionSyntaxError("expected a value but found \(describe(token))", at: token.start)
        }
    }

    /// `[a, b, …]`; constant elements fold into one literal.
    private mutating func parseArray(opening: ExpressionToken) throws(ExpressionSyntaxError) -> Parsed {
        try advance()
        var elements: [ExpressionNode] = []
        var height = 0
        if current.kind != .rightBracket {
            while true {
                let element = try parseBinary(minimumPrecedence: 1)
                elements.append(element.node)
                height = max(height, element.height)
                guard current.kind == .comma else { break }
                try advance()
            }
        }
        try expect(.rightBracket, "']' or ','")
        var constants: [JSONValue] = []
        for element in elements {
            guard case .literal(let value) = element else {
                return try checked(Parsed(node: .array(elements), height: height + 1), at: opening.start)
            }
            constants.append(value)
        }
        return Parsed(node: .literal(.array(constants)), height: 1)
    }

    private mutating func parsedPath() throws(ExpressionSyntaxError) -> Parsed {
        let path = try parsePath(allowLeadingBracket: false)
        return Parsed(node: .path(path), height: 1)
    }

    // MARK: Paths

    /// `ident ('.' ident | '[' string ']' | '[' int ']')*`, optionally starting with `.` or `[`.
    mutating func parsePath(allowLeadingBracket: Bool) throws(ExpressionSyntaxError) -> JSONPath {
        var components: [JSONPath.Component] = []
        switch current.kind {
        case .identifier(let name):
            let start = current.start
            try advance()
            if let parameter {
                return try continuePath(try pathAfterParameter(name, start: start, parameter: parameter))
            }
            let path = try continuePath(JSONPath([.key(name)]))
            if let refusal = roots.refusal(of: path) { throw ExpressionSyntaxError(refusal, at: start) }
            return path
        case .dot:
            try advance()
            if case .identifier(let name) = current.kind {
                components.append(.key(name))
                try advance()
            } else if current.kind == .leftBracket {
                components.append(try parseSubscript())
            } else {
                throw ExpressionSyntaxError("expected a field name after '.'", at: current.start)
            }
        case .leftBracket where allowLeadingBracket:
            components.append(try parseSubscript())
        default:
            throw ExpressionSyntaxError("expected a path but found \(describe(current))", at: current.start)
        }
        // `.extra` and `["extra"]` name a top-level field explicitly, one the runtime does not define.
        return try continuePath(JSONPath(components))
    }

    mutating func continuePath(_ start: JSONPath) throws(ExpressionSyntaxError) -> JSONPath {
        var path = start
        while true {
            switch current.kind {
            case .dot where isMethodCallAhead(), .optionalDot where isMethodCallAhead():
                paths.append(path)
                return path
            case .optionalDot:
                try advance()
                if current.kind == .leftBracket {
                    path.components.append(try parseSubscript())
                    continue
                }
                guard case .identifier(let name) = current.kind else {
                    throw ExpressionSyntaxError("expected a field name or '[' after '?.'", at: current.start)
                }
                path.components.append(.key(name))
                try advance()
            case .dot:
                try advance()
                guard case .identifier(let name) = current.kind else {
                    throw ExpressionSyntaxError("expected a field name after '.'", at: current.start)
                }
                path.components.append(.key(name))
                try advance()
            case .leftBracket:
                path.components.append(try parseSubscript())
            default:
                paths.append(path)
                return path
            }
        }
    }

    /// `["key"]`, `[0]` or `[-1]`.
    mutating func parseSubscript() throws(ExpressionSyntaxError) -> JSONPath.Component {
        try advance()
        let component: JSONPath.Component
        let negative = current.kind == .minus
        if negative { try advance() }
        switch current.kind {
        case .string(let key) where !negative:
            component = .key(key)
        case .number(let value, isInteger: true) where value < 1e18:
            component = .index(negative ? -Int(value) : Int(value))
        default:
            throw ExpressionSyntaxError("expected a quoted key or an integer index inside '[ ]'", at: current.start)
        }
        try advance()
        try expect(.rightBracket, "']'")
        return component
    }

    // MARK: Tokens

    mutating func advance() throws(ExpressionSyntaxError) {
        current = try lexer.next()
    }

    mutating func enter(at offset: Int) throws(ExpressionSyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw tooDeep(at: offset) }
    }

    mutating func expect(_ kind: ExpressionToken.Kind, _ name: String) throws(ExpressionSyntaxError) {
        guard current.kind == kind else {
            let found = current.kind == .end ? "" : " but found \(describe(current))"
            throw ExpressionSyntaxError("expected \(name)\(found)", at: current.start)
        }
        try advance()
    }

    func describe(_ token: ExpressionToken) -> String {
        token.kind == .end ? "end of expression" : "'\(lexer.text(from: token.start, to: token.end))'"
    }
}
