public import RunraEvents

/// The exporters of a replay and their filters, in the runtime's `observability` shape:
/// `{provider, config}` or `{exporters: [{provider, config, filter}]}`, optionally under `observability`.
public struct ReplayConfiguration: Sendable {
    /// One configured exporter.
    public struct Exporter: Sendable {
        /// The registry key, e.g. `jsonl`.
        public var provider: String
        /// The name in the summary and in dead-letter records: the provider, or `provider[N]` (N its index in
        /// `exporters`) when several exporters share a provider.
        public var label: String
        /// Its `config` object, `${VAR}` expanded.
        public var configuration: ExporterConfiguration
        /// Its `filter`.
        public var filter: ExporterFilter

        /// An exporter entry.
        public init(
            provider: String,
            label: String? = nil,
            configuration: ExporterConfiguration,
            filter: ExporterFilter = ExporterFilter()
        ) {
            self.provider = provider
            self.label = label ?? provider
            self.configuration = configuration
            self.filter = filter
        }
    }

    /// The exporters, in configuration order.
    public var exporters: [Exporter]
    /// Warnings found while loading (unset variables in a dry run).
    public var warnings: [String] = []

    /// A configuration of `exporters`.
    public init(exporters: [Exporter]) {
        self.exporters = exporters
    }

    /// Keys the engine itself reads from any exporter's `config`, besides the exporter's own.
    public static let engineKeys = ["batchSize", "flushIntervalMs"]

    // MARK: - Loading

    /// Loads `path` (JSON or YAML), validating it against `registry`.
    ///
    /// `dryRun` tolerates unset `${VAR}`s (expanded to "" with a warning), since nothing will be sent.
    public static func load(
        path: String,
        registry: ExporterRegistry,
        environment: [String: String],
        dryRun: Bool = false
    ) throws -> ReplayConfiguration {
        let document = try ConfigurationDocument.load(path: path)
        return try parse(document, registry: registry, environment: environment, dryRun: dryRun)
    }

    /// Validates a parsed document.
    public static func parse(
        _ document: JSONValue,
        registry: ExporterRegistry,
        environment: [String: String],
        dryRun: Bool = false
    ) throws -> ReplayConfiguration {
        var expansion = EnvironmentExpansion(environment: environment, unsetIsEmpty: dryRun)
        guard case .object(var root) = document else {
            throw RunraError(
                .configuration,
                "the configuration must be an object with provider and config, or exporters (see docs/replay.md)"
            )
        }
        let path = "observability"
        if let wrapped = root["observability"] {
            try checkKeys(root, allowed: ["observability"], path: "(top level)")
            guard case .object(let inner) = wrapped else {
                throw RunraError(
                    .configuration,
                    "observability: expected an object, got \(ExporterConfiguration.describe(wrapped))"
                )
            }
            root = inner
        } else if root.isEmpty {
            throw RunraError(
                .configuration,
                "the configuration is empty: give provider and config, or exporters (see docs/replay.md)"
            )
        } else {
            try checkKeys(
                root,
                allowed: ["observability", "provider", "config", "filter", "exporters"],
                path: "(top level)"
            )
        }
        try checkKeys(root, allowed: ["provider", "config", "filter", "exporters"], path: path)
        var entries: [(JSONValue, String)] = []
        if let exporters = root["exporters"] {
            if root["provider"] != nil || root["config"] != nil || root["filter"] != nil {
                throw RunraError(.configuration, "\(path): give either provider and config, or exporters, not both")
            }
            guard case .array(let list) = exporters else {
                throw RunraError(
                    .configuration,
                    "\(path).exporters: expected a list of {provider, config, filter}, "
                        + "got \(ExporterConfiguration.describe(exporters))"
                )
            }
            if list.isEmpty { throw RunraError(.configuration, "\(path).exporters: the list is empty") }
            entries = list.enumerated().map { ($0.element, "\(path).exporters[\($0.offset)]") }
        } else {
            entries = [(.object(root), path)]
        }
        var parsed: [Exporter] = []
        var typeWarnings: [String] = []
        for (entry, entryPath) in entries {
            guard case .object(let members) = entry else {
                throw RunraError(
                    .configuration,
                    "\(entryPath): expected {provider, config, filter}, got \(ExporterConfiguration.describe(entry))"
                )
            }
            try checkKeys(members, allowed: ["provider", "config", "filter"], path: entryPath)
            guard let providerValue = members["provider"] else {
                throw RunraError(
                    .configuration,
                    "\(entryPath).provider: missing (one of \(registry.ids.joined(separator: ", ")))"
                )
            }
            guard case .string(let provider) = providerValue else {
                throw RunraError(
                    .configuration,
                    "\(entryPath).provider: expected a string, got \(ExporterConfiguration.describe(providerValue))"
                )
            }
            let configValue = try expansion.expand(members["config"] ?? .object([:]), path: "\(entryPath).config")
            let filter =
                try members["filter"].map { try ExporterFilter(parsing: $0, path: "\(entryPath).filter") }
                ?? ExporterFilter()
            typeWarnings += filter.unknownTypeWarnings(path: "\(entryPath).filter")
            parsed.append(
                try exporter(
                    provider: provider,
                    config: configValue,
                    filter: filter,
                    path: entryPath,
                    registry: registry,
                    environment: environment
                )
            )
        }
        var configuration = ReplayConfiguration(exporters: parsed)
        configuration.assignLabels()
        configuration.warnings = expansion.warnings + typeWarnings
        try configuration.validate(registry: registry, unsetPaths: expansion.unsetPaths)
        return configuration
    }

    /// The quick form: `--to PROVIDER` with `--set key=value` settings (dotted keys make nested objects; a value is
    /// JSON when it parses as JSON, else a string). `${VAR}` expands in values as in a file.
    public static func quick(
        provider: String,
        settings: [String],
        registry: ExporterRegistry,
        environment: [String: String],
        dryRun: Bool = false
    ) throws -> ReplayConfiguration {
        var values: [String: JSONValue] = [:]
        for setting in settings {
            guard let equals = setting.firstIndex(of: "="), equals != setting.startIndex else {
                throw RunraError(.usage, "--set \(setting): expected key=value, e.g. --set filePath=out.jsonl")
            }
            let key = String(setting[..<equals])
            let text = String(setting[setting.index(after: equals)...])
            let value: JSONValue = (try? JSONValue(parsing: Array(text.utf8))) ?? .string(text)
            try insert(
                value,
                at: key.split(separator: ".", omittingEmptySubsequences: false).map(String.init),
                into: &values,
                setting: setting
            )
        }
        var expansion = EnvironmentExpansion(environment: environment, unsetIsEmpty: dryRun)
        let expanded = try expansion.expand(.object(values), path: "config")
        let exporter = try exporter(
            provider: provider,
            config: expanded,
            filter: ExporterFilter(),
            path: "",
            registry: registry,
            environment: environment
        )
        var configuration = ReplayConfiguration(exporters: [exporter])
        configuration.warnings = expansion.warnings
        try configuration.validate(registry: registry, unsetPaths: expansion.unsetPaths)
        return configuration
    }

    private static func insert(
        _ value: JSONValue,
        at keys: [String],
        into object: inout [String: JSONValue],
        setting: String
    ) throws {
        guard let first = keys.first, !first.isEmpty else {
            throw RunraError(.usage, "--set \(setting): a key part is empty")
        }
        if keys.count == 1 {
            object[first] = value
            return
        }
        var inner: [String: JSONValue]
        switch object[first] {
        case nil: inner = [:]
        case .object(let members)?: inner = members
        default: throw RunraError(.usage, "--set \(setting): \(first) was already set to a value that is not an object")
        }
        try insert(value, at: Array(keys.dropFirst()), into: &inner, setting: setting)
        object[first] = .object(inner)
    }

    private static func exporter(
        provider: String,
        config: JSONValue,
        filter: ExporterFilter,
        path: String,
        registry: ExporterRegistry,
        environment: [String: String]
    ) throws -> Exporter {
        let providerPath = path.isEmpty ? "provider" : "\(path).provider"
        guard let registration = registry.registration(for: provider) else {
            throw RunraError(
                .configuration,
                "\(providerPath): unknown "
                    + "provider \(JSONText.quoted(provider))\(KeySuggestion.hint(for: provider, in: registry.ids)) "
                    + "(known: \(registry.ids.joined(separator: ", ")))"
            )
        }
        let configPath = path.isEmpty ? "config" : "\(path).config"
        guard case .object(let values) = config else {
            throw RunraError(
                .configuration,
                "\(configPath): expected an object, got \(ExporterConfiguration.describe(config))"
            )
        }
        let ownKeys = registration.configurationKeys.filter { !$0.contains(".") }
        try checkKeys(values, allowed: ownKeys + engineKeys.filter { !ownKeys.contains($0) }, path: configPath)
        // Nested keys declared as "parent.child" (e.g. otel's batchConfig.maxExportBatchSize).
        let nested = Dictionary(grouping: registration.configurationKeys.filter { $0.contains(".") }) {
            String($0.prefix(while: { $0 != "." }))
        }
        for (parent, keys) in nested {
            guard case .object(let members)? = values[parent] else { continue }
            try checkKeys(
                members,
                allowed: keys.map { String($0.dropFirst(parent.count + 1)) },
                path: "\(configPath).\(parent)"
            )
        }
        let configuration = ExporterConfiguration(path: configPath, values: values, environment: environment)
        _ = try engineSettings(configuration, registration: registration)
        return Exporter(provider: provider, configuration: configuration, filter: filter)
    }

    /// Unknown keys are errors that name the key path and suggest the nearest valid key.
    static func checkKeys(_ members: [String: JSONValue], allowed: [String], path: String) throws {
        for key in members.keys.sorted() where !allowed.contains(key) {
            let location = path == "(top level)" ? key : "\(path).\(key)"
            if key == "onError" { throw RunraError(.configuration, "\(location): \(onErrorAnswer)") }
            throw RunraError(
                .configuration,
                "\(location): unknown key\(KeySuggestion.hint(for: key, in: allowed)); valid keys here:"
                    + " \(allowed.joined(separator: ", "))"
            )
        }
    }

    /// Batch size and flush interval for an exporter: `batchSize`/`flushIntervalMs`, otel's `batchConfig`, or the
    /// registration's defaults.
    public static func engineSettings(
        _ configuration: ExporterConfiguration,
        registration: ExporterRegistry.Registration?
    ) throws -> (batchSize: Int, flushIntervalMs: Int) {
        let batchConfig = try configuration.object("batchConfig")
        // otel's `spanProcessor: simple` sends each event at once.
        let simple = try configuration.string("spanProcessor") == "simple"
        let batchSize =
            try configuration.integer("batchSize") ?? (simple ? 1 : nil) ?? batchConfig?.integer("maxExportBatchSize")
            ?? registration?.defaultBatchSize ?? 500
        let interval =
            try configuration.integer("flushIntervalMs") ?? batchConfig?.integer("scheduleDelayMs")
            ?? registration?.defaultFlushIntervalMs ?? 1000
        guard batchSize > 0 else { throw configuration.error("batchSize", "must be at least 1, got \(batchSize)") }
        guard interval > 0 else { throw configuration.error("flushIntervalMs", "must be at least 1, got \(interval)") }
        return (batchSize, interval)
    }

    /// Names exporters that share a provider `provider[N]`.
    mutating func assignLabels() {
        var counts: [String: Int] = [:]
        for exporter in exporters { counts[exporter.provider, default: 0] += 1 }
        for index in exporters.indices where counts[exporters[index].provider]! > 1 {
            exporters[index].label = "\(exporters[index].provider)[\(index)]"
        }
    }

    /// The runtime's `onError` callback has no place in a file; what runra-events does instead.
    static let onErrorAnswer =
        "runra-events takes no error callback; remove onError. Instead: --dead-letter FILE keeps every "
        + "event an exporter "
        + "rejected or gave up on (replay --from-dead-letter FILE sends them again), replay exits with "
        + "status 4 when an "
        + "exporter failed, and an exec exporter (provider: exec, config: {command: …}) hands events to a "
        + "program of yours"

    /// Runs each registration's `validate`: every value is checked before anything is sent (SPEC §10).
    public func validate(registry: ExporterRegistry) throws {
        try validate(registry: registry, unsetPaths: [])
    }

    /// As ``validate(registry:)``, except that an error at a key whose `${VAR}` was unset in a dry run stays the
    /// warning already given about it.
    func validate(registry: ExporterRegistry, unsetPaths: [String]) throws {
        for exporter in exporters {
            do {
                try registry.registration(for: exporter.provider)?.validate?(exporter.configuration)
            } catch let error as RunraError where unsetPaths.contains(where: { error.message.hasPrefix($0 + ":") }) {
                continue
            }
        }
    }
}
