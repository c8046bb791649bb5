/// keepalived `MISC_CHECK`: run a program; its exit code is the result.
public struct MiscCheck: Hashable, Sendable {
    /// keepalived `misc_path`, already split into program and arguments (see ``CommandLineSplitter/split(_:)``).
    /// The program is executed directly, never through a shell; it must be an absolute path.
    public var arguments: [String]
    /// keepalived `misc_timeout`: after this the whole process group is killed. Defaults to the
    /// checker's `delay_loop`, as in keepalived.
    public var timeout: Duration?
    /// keepalived `misc_dynamic`: exit 0 healthy with the configured weight, 1 unhealthy, 2-255 healthy
    /// with weight = code - 2.
    public var dynamic: Bool
    /// keepalived `script_user`: the user (and its primary group) the program runs as.
    public var user: ScriptUser
    /// How many bytes of the program's output (stdout and stderr together) are kept for the failure
    /// reason; the rest is read and discarded.
    public var outputCap: Int

    public init(
        arguments: [String], timeout: Duration? = nil, dynamic: Bool = false,
        user: ScriptUser = .nobody, outputCap: Int = 4096
    ) {
        self.arguments = arguments
        self.timeout = timeout
        self.dynamic = dynamic
        self.user = user
        self.outputCap = outputCap
    }

    /// Splits a keepalived `misc_path` string into arguments.
    public init(
        commandLine: String, timeout: Duration? = nil, dynamic: Bool = false, user: ScriptUser = .nobody
    ) throws(CheckConfigurationError) {
        self.init(arguments: try CommandLineSplitter.split(commandLine), timeout: timeout, dynamic: dynamic, user: user)
    }
}

/// The user a `MISC_CHECK` program runs as: keepalived `script_user USER [GROUP]`.
public struct ScriptUser: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    /// The group; nil uses the user's primary group.
    public var group: String?

    public init(name: String, group: String? = nil) {
        self.name = name
        self.group = group
    }

    /// keepalived's fallback when `keepalived_script` does not exist.
    public static let nobody = ScriptUser(name: "nobody")

    public var description: String { group.map { "\(name):\($0)" } ?? name }
}
