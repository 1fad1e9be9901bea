import ArgumentParser
import RunraEvents

/// The `runra-events` command: a toolkit for Runra's JSONL event logs.
struct RunraEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runra-events",
        abstract: "Filter, summarize, follow, rotate and replay Runra JSONL event logs.",
        discussion: """
            Exit status: 0 success, 1 nothing matched, 2 usage or input error,
            3 a --fail-if threshold was crossed, 4 an exporter or database failed.

            Examples:
              runra-events filter -t exec.completed -w 'data.exitCode != 0' events.jsonl
              runra-events generate --events 20000 --seed 7 > events.jsonl
            """,
        version: RunraEventsVersion.current,
        subcommands: [
            Filter.self,
            Generate.self,
            Rotate.self,
            LoadPG.self,
            Replay.self,
            Tail.self,
            Stats.self,
        ]
    )
}
