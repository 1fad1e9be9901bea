/// Where an event is in a list of inputs: the input's index and the 1-based line number within it.
///
/// Positions order events as they are read, so a replay checkpoint is one position: everything at or
/// before it was delivered.
public struct EventPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The input's index in the list of inputs.
    public var input: Int
    /// The 1-based line number within that input (blank lines counted).
    public var line: Int

    /// The position of line `line` of input `input`.
    public init(input: Int, line: Int) {
        self.input = input
        self.line = line
    }

    /// Before the first line of the first input.
    public static let start = EventPosition(input: 0, line: 0)

    public static func < (lhs: EventPosition, rhs: EventPosition) -> Bool {
        lhs.input != rhs.input ? lhs.input < rhs.input : lhs.line < rhs.line
    }

    public var description: String { "input \(input) line \(line)" }
}
