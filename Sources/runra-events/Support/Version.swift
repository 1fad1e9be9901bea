/// The version `--version` prints.
enum RunraEventsVersion {
    static let current = "0.1.0"
}
