import RunraEvents

/// `runra-events tail [-n N] FILE`, the form people type most, run without ArgumentParser.
///
/// Building ArgumentParser's argument set for `tail` asks the Swift runtime for protocol conformances, and each
/// first question scans all of the binary's 8,500 conformance records: about 3 of the 6 ms that `tail -n 10` takes
/// (docs/architecture.md, "Start-up"). `QuickTail` recognises only the forms below, with every other option at its
/// default, and hands them to `Tail.run`, as the parsed command does. Anything else, including anything it would
/// have to reject, goes to ArgumentParser, which stays the one place that parses and explains usage.
///
///     tail FILE
///     tail -n N FILE        tail --lines N FILE        tail --lines=N FILE
///
/// FILE may come first; N is 1 to 9 decimal digits; FILE is neither `-` nor anything else starting with `-`.
struct QuickTail {
    var lines = 10
    var path: String

    /// The quick form of `arguments` (as `CommandLine.arguments`, program name first), or nil to parse them fully.
    init?(arguments: [String]) {
        guard arguments.count >= 3, arguments.count <= 5, arguments[1] == "tail" else { return nil }
        var lines: Int?
        var path: String?
        var index = 2
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            let count: Substring
            if argument == "-n" || argument == "--lines" {
                guard index < arguments.count else { return nil }
                count = Substring(arguments[index])
                index += 1
            } else if argument.hasPrefix("--lines=") {
                count = argument.dropFirst("--lines=".count)
            } else if argument.isEmpty || argument.hasPrefix("-") || argument == "help" || path != nil {
                return nil
            } else {
                path = argument
                continue
            }
            guard lines == nil, let parsed = Self.count(count) else { return nil }
            lines = parsed
        }
        guard let path else { return nil }
        self.lines = lines ?? 10
        self.path = path
    }

    private static func count(_ text: Substring) -> Int? {
        guard (1...9).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    /// Runs the command as `RunraEventsCommand.Tail` would with these arguments.
    func run() throws {
        var tail = EventTail(selection: EventSelection(), format: StandardOutput.isTerminal ? .pretty : .jsonl)
        tail.count = lines
        tail.usesColor = ColorChoice.auto.colorsStandardOutput
        let reporter = try BadLineReporter(strict: false, deadLetterPath: nil, quiet: false)
        try RunraEventsCommand.Tail.run(tail, path: path, options: ReadOptions(), reporter: reporter)
    }
}
