#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a read of a configuration depends on besides the files.
public struct ConfigReadOptions: Sendable, Hashable {
    /// keepalived's config id (`-i`, `--config-id`), matched by `@id` and `@^id` lines and
    /// the value of `${_INSTANCE}`. nil selects no `@id` line and every `@^id` line.
    public var configID: String?
    /// Seeds `${_RANDOM}`; nil for a different sequence on each read, as keepalived does.
    public var randomSeed: UInt64?
    /// The most lines `~SEQ`, `~LST` and multi-line definitions may produce together;
    /// past it the expansion stops with an error. keepalived has no such limit (a
    /// definition that uses itself makes it loop for ever).
    public var maximumExpandedLines: Int

    public init(configID: String?, randomSeed: UInt64? = nil, maximumExpandedLines: Int = 1_000_000) {
        self.configID = configID
        self.randomSeed = randomSeed
        self.maximumExpandedLines = maximumExpandedLines
    }

    /// keepalived's default config id: the host's node name up to its first `.`
    /// (`uname -n`).
    public static func hostConfigID() -> String? {
        var names = utsname()
        guard uname(&names) == 0 else { return nil }
        let node = withUnsafeBytes(of: names.nodename) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return String(node.prefix { $0 != "." })
    }
}
