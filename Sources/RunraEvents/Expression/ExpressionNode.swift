/// A parsed expression: a tree built once and evaluated per event.
///
/// Its height is limited by the parser (``ExpressionParser/maximumDepth``), so the recursive
/// evaluation below cannot exhaust the stack whatever the input was.
indirect enum ExpressionNode: Sendable {
    enum ComparisonOperator: Sendable { case equal, notEqual, less, lessEqual, greater, greaterEqual }
    enum ArithmeticOperator: Sendable { case add, subtract, multiply, divide }
    enum StringOperator: Sendable { case contains, startsWith, endsWith }

    case literal(JSONValue)
    /// JavaScript's `undefined`: a missing value (`null` except to `===` and `!==`).
    case undefined
    case path(JSONPath)
    case exists(JSONPath)
    case not(ExpressionNode)
    case negate(ExpressionNode)
    case and([ExpressionNode])
    case or([ExpressionNode])
    case compare(ComparisonOperator, ExpressionNode, ExpressionNode)
    case arithmetic(ArithmeticOperator, ExpressionNode, ExpressionNode)
    /// `element in list`, negated for `not in`.
    case member(ExpressionNode, ExpressionNode, negated: Bool)
    case string(StringOperator, ExpressionNode, ExpressionNode)
    case match(ExpressionNode, ExpressionPattern)
    case array([ExpressionNode])
    /// `===` (`!==` when negated): equal values of the same type, and `undefined` equal only to itself.
    case strictEqual(ExpressionNode, ExpressionNode, negated: Bool)
    /// JavaScript truthiness, for the arrow form: `0`, `""`, `null`, `undefined` and `false` are false.
    case truthy(ExpressionNode)

    /// The value of this node.
    func value<Context: ExpressionContext>(in context: Context) -> JSONValue {
        switch self {
        case .literal(let value):
            return value
        case .undefined:
            return .null
        case .path(let path):
            return context.value(at: path) ?? .null
        case .negate(let operand):
            guard case .number(let number) = operand.value(in: context) else { return .null }
            return .number(-number)
        case .arithmetic(let operation, let lhs, let rhs):
            return ExpressionValues.arithmetic(operation, lhs.value(in: context), rhs.value(in: context))
        case .array(let elements):
            return .array(elements.map { $0.value(in: context) })
        case .exists, .not, .and, .or, .compare, .member, .string, .match, .strictEqual, .truthy:
            return .bool(test(in: context))
        }
    }

    /// Whether this node's value is truthy, without building a `JSONValue` for predicates.
    func test<Context: ExpressionContext>(in context: Context) -> Bool {
        switch self {
        case .literal(let value):
            return value.isTruthy
        case .undefined:
            return false
        case .path(let path):
            return context.value(at: path)?.isTruthy ?? false
        case .exists(let path):
            return context.value(at: path) != nil
        case .not(let operand):
            return !operand.test(in: context)
        case .and(let operands):
            for operand in operands where !operand.test(in: context) { return false }
            return true
        case .or(let operands):
            for operand in operands where operand.test(in: context) { return true }
            return false
        case .compare(let operation, let lhs, let rhs):
            let left = lhs.value(in: context)
            let right = rhs.value(in: context)
            switch operation {
            case .equal: return ExpressionValues.equal(left, right)
            case .notEqual: return !ExpressionValues.equal(left, right)
            case .less: return ExpressionValues.order(left, right).map { $0 < 0 } ?? false
            case .lessEqual: return ExpressionValues.order(left, right).map { $0 <= 0 } ?? false
            case .greater: return ExpressionValues.order(left, right).map { $0 > 0 } ?? false
            case .greaterEqual: return ExpressionValues.order(left, right).map { $0 >= 0 } ?? false
            }
        case .member(let element, let list, let negated):
            let found = ExpressionValues.member(element.value(in: context), of: list.value(in: context))
            return found != negated
        case .string(let operation, let lhs, let rhs):
            let left = lhs.value(in: context)
            let right = rhs.value(in: context)
            switch operation {
            case .contains: return ExpressionValues.contains(left, right)
            case .startsWith: return ExpressionValues.startsWith(left, right)
            case .endsWith: return ExpressionValues.endsWith(left, right)
            }
        case .match(let operand, let pattern):
            guard case .string(let text) = operand.value(in: context) else { return false }
            return pattern.matches(text)
        case .strictEqual(let lhs, let rhs, let negated):
            return ExpressionValues.strictlyEqual(lhs.valueOrUndefined(in: context), rhs.valueOrUndefined(in: context))
                != negated
        case .truthy(let operand):
            return ExpressionValues.isJavaScriptTruthy(operand.value(in: context))
        case .negate, .arithmetic, .array:
            return value(in: context).isTruthy
        }
    }

    /// The value, or nil for a missing path and `undefined` (what `===` tells apart from `null`).
    func valueOrUndefined<Context: ExpressionContext>(in context: Context) -> JSONValue? {
        switch self {
        case .undefined: return nil
        case .path(let path): return context.value(at: path)
        default: return value(in: context)
        }
    }
}

extension ExpressionValues {
    /// `element in list`: true when `list` is an array holding an equal element.
    static func member(_ element: JSONValue, of list: JSONValue) -> Bool {
        guard case .array(let elements) = list else { return false }
        return elements.contains { equal($0, element) }
    }

    /// `===`: two missing values, or two present values equal without conversion.
    static func strictlyEqual(_ lhs: JSONValue?, _ rhs: JSONValue?) -> Bool {
        guard let lhs, let rhs else { return lhs == nil && rhs == nil }
        return equal(lhs, rhs)
    }

    /// JavaScript's truthiness: false for `null`, `false`, `0`, NaN and `""`.
    static func isJavaScriptTruthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return false
        case .bool(let flag): return flag
        case .number(let number): return number != 0 && !number.isNaN
        case .string(let text): return !text.isEmpty
        case .array, .object: return true
        }
    }
}
