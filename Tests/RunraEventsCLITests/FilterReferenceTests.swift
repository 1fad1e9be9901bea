import Foundation
import RunraTestSupport
import Testing

/// `filter` against a simple reference evaluation (Foundation's JSON parser and plain Swift
/// predicates) on generated data: the byte-level fast path must select exactly the same lines.
@Suite(.serialized, .timeLimit(.minutes(10))) struct FilterReferenceTests {
    nonisolated(unsafe) static let log: (path: String, folder: TemporaryDirectory) = {
        let folder = try! TemporaryDirectory()
        let path = folder.path("generated.jsonl")
        let result = try! CLI.run(["generate", "--events", "30000", "--seed", "11", "--out", path])
        precondition(result.status == 0, result.stderr)
        return (path, folder)
    }()

    nonisolated(unsafe) static let lines: [(text: String, object: [String: Any])] = {
        let text = try! String(contentsOfFile: log.path, encoding: .utf8)
        return text.split(separator: "\n").map { line in
            (String(line), try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])
        }
    }()

    static func number(_ value: Any?) -> Double? {
        guard let number = value as? NSNumber else { return nil }
        return number.doubleValue
    }

    static func data(_ object: [String: Any]) -> [String: Any] { object["data"] as? [String: Any] ?? [:] }

    static let cases: [(String, [String], @Sendable ([String: Any]) -> Bool)] = [
        ("type", ["-t", "exec.completed"], { ($0["type"] as? String) == "exec.completed" }),
        (
            "glob", ["-t", "agent.*", "-t", "*.error"],
            {
                let type = $0["type"] as? String ?? ""
                return type.hasPrefix("agent.") || type.hasSuffix(".error")
            }
        ),
        ("where-exit", ["--where", "data.exitCode != 0"], { number(data($0)["exitCode"]) != 0 }),
        (
            "where-and", ["-t", "exec.completed", "--where", "data.durationMs >= 100 and data.exitCode == 0"],
            {
                ($0["type"] as? String) == "exec.completed" && (number(data($0)["durationMs"]) ?? -1) >= 100
                    && number(data($0)["exitCode"]) == 0
            }
        ),
        (
            "contains", ["--where", "data.command contains \"test\""],
            {
                (data($0)["command"] as? String)?.contains("test") == true
            }
        ),
        ("invert", ["-v", "-t", "exec.*"], { !(($0["type"] as? String) ?? "").hasPrefix("exec.") }),
        (
            "min-level", ["--min-level", "error"],
            { object in
                let type = object["type"] as? String ?? ""
                if let level = data(object)["level"] as? String, ["debug", "info", "warn", "error"].contains(level) {
                    return level == "error"
                }
                if type.hasSuffix(".error") { return true }
                if type == "exec.completed", let code = number(data(object)["exitCode"]) { return code != 0 }
                return false
            }
        ),
    ]

    @Test(arguments: 0..<cases.count)
    func matchesTheReference(_ index: Int) throws {
        let (name, arguments, predicate) = Self.cases[index]
        let expected = Self.lines.filter { predicate($0.object) }.map(\.text)
        let result = try CLI.run(["filter"] + arguments + [Self.log.path])
        #expect(result.stdoutLines == expected, "case \(name)")
        #expect(!expected.isEmpty, "case \(name) selects something")
        let counted = try CLI.run(["filter", "-c"] + arguments + [Self.log.path])
        #expect(counted.stdoutText == "\(expected.count)\n", "case \(name)")
    }

    @Test func gzipReadsTheSameAsPlain() throws {
        let gz = Self.log.folder.path("generated.jsonl.gz")
        #expect(try CLI.run(["generate", "--events", "30000", "--seed", "11", "--gzip", "--out", gz]).status == 0)
        let plain = try CLI.run(["filter", "--where", "data.exitCode != 0", Self.log.path])
        let compressed = try CLI.run(["filter", "--where", "data.exitCode != 0", gz])
        #expect(plain.stdout == compressed.stdout)
        #expect(!plain.stdout.isEmpty)
    }
}
