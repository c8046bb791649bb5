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
    /// keepalived's per-check `user USERNAME [GROUPNAME]`: who the program runs as. Nil takes the
    /// default of ``ScriptSettings`` (keepalived's global `script_user`, else `keepalived_script`
    /// if that user exists, else the user the daemon runs as).
    public var user: ScriptUser?
    /// `script_user` and `enable_script_security` for this check; nil: the prober's
    /// (``LiveProber/init(group:scripts:)``). lvsd sets them per check, so that a reload that
    /// changes them is a change of the check.
    public var scriptSettings: ScriptSettings?
    /// How many bytes of the program's output (stdout and stderr together) are kept for the failure
    /// reason; the rest is read and discarded.
    public var outputCap: Int

    public init(
        arguments: [String], timeout: Duration? = nil, dynamic: Bool = false,
        user: ScriptUser? = nil, scriptSettings: ScriptSettings? = nil, outputCap: Int = 4096
    ) {
        self.arguments = arguments
        self.timeout = timeout
        self.dynamic = dynamic
        self.user = user
        self.scriptSettings = scriptSettings
        self.outputCap = outputCap
    }

    /// Splits a keepalived `misc_path` string into arguments.
    public init(
        commandLine: String, timeout: Duration? = nil, dynamic: Bool = false, user: ScriptUser? = nil
    ) throws(CheckConfigurationError) {
        self.init(arguments: try CommandLineSplitter.split(commandLine), timeout: timeout, dynamic: dynamic, user: user)
    }
}

