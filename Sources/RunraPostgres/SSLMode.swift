/// libpq's `sslmode` (`disable`, `allow`, `prefer`, `require`, `verify-ca`, `verify-full`).
///
/// SPEC §9: a boolean `ssl` option means `require` (`true`) or `disable` (`false`); a string is an sslmode.
/// An `sslmode` already present in the connection string always wins over this option.
public struct SSLMode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The libpq spelling, e.g. `verify-full`.
    public let rawValue: String

    /// The mode spelled `rawValue` (case-insensitive), or `nil` if libpq has no such mode.
    public init?(rawValue: String) {
        let lowered = rawValue.lowercased()
        guard Self.all.contains(where: { $0.rawValue == lowered }) else { return nil }
        self.rawValue = lowered
    }

    private init(known: String) { rawValue = known }

    /// `true` → ``require``, `false` → ``disable`` (SPEC §9).
    public init(flag: Bool) { self = flag ? .require : .disable }

    /// No SSL.
    public static let disable = SSLMode(known: "disable")
    /// Plain first, SSL if the server insists.
    public static let allow = SSLMode(known: "allow")
    /// SSL when the server supports it, else plain (libpq's default).
    public static let prefer = SSLMode(known: "prefer")
    /// SSL or fail; the certificate is not verified.
    public static let require = SSLMode(known: "require")
    /// SSL with a certificate signed by a trusted CA.
    public static let verifyCA = SSLMode(known: "verify-ca")
    /// SSL with a trusted certificate whose name matches the host.
    public static let verifyFull = SSLMode(known: "verify-full")

    /// Every mode, weakest first.
    public static let all: [SSLMode] = [.disable, .allow, .prefer, .require, .verifyCA, .verifyFull]

    public var description: String { rawValue }
}
