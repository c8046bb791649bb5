import IPVSNetlink

/// One ipvsadm command line, parsed and checked as ipvsadm 1.31 does, ready to run.
public struct IPVSAdmCommand: Hashable, Sendable {
    public enum Action: Hashable, Sendable {
        case addService(IPVSService)
        case editService(IPVSService)
        case deleteService(IPVSServiceKey)
        case flush
        /// `-L`: `service` set for `-L -t ...`.
        case list(IPVSAdmListFormat, service: IPVSServiceKey?)
        case listConnections(IPVSAdmListFormat)
        case listTimeouts
        case listDaemons
        case addServer(IPVSDestination, IPVSServiceKey)
        case editServer(IPVSDestination, IPVSServiceKey)
        case deleteServer(IPAddress, port: UInt16, IPVSServiceKey)
        case setTimeouts(IPVSTimeouts)
        case startDaemon(IPVSSyncDaemon)
        case stopDaemon(IPVSSyncDaemon.Role)
        case restore
        case save(numeric: Bool)
        case zero(IPVSServiceKey?)
        /// `-h`: usage on standard output, exit 0.
        case help
        /// `-v`: version on standard output, exit 0.
        case version
    }

    public var action: Action

    public init(action: Action) {
        self.action = action
    }

    /// Whether the command changes the kernel tables (and so can be batched).
    public var change: IPVSChange? {
        switch action {
        case .addService(let s): .addService(s)
        case .editService(let s): .updateService(s)
        case .deleteService(let k): .deleteService(k)
        case .flush: .flush
        case .addServer(let d, let k): .addDestination(d, to: k)
        case .editServer(let d, let k): .updateDestination(d, in: k)
        case .deleteServer(let a, let p, let k): .deleteDestination(address: a, port: p, from: k)
        case .setTimeouts(let t): .setTimeouts(t)
        case .startDaemon(let d): .startDaemon(d)
        case .stopDaemon(let r): .stopDaemon(r)
        case .zero(let k): .zero(k)
        default: nil
        }
    }
}

/// How an ipvsadm command line failed before reaching the kernel: the text
/// ipvsadm prints on standard error and its exit status.
public struct IPVSAdmUsageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Complete standard-error text, newline included.
    public var message: String
    public var exitCode: Int32
    /// False for libpopt's errors, after which ipvsadm returns -1 instead of
    /// exiting: inside `-R` the next line is still read.
    public var exits: Bool

    public init(message: String, exitCode: Int32, exits: Bool = true) {
        self.message = message
        self.exitCode = exitCode
        self.exits = exits
    }

    public var description: String { message }

    /// ipvsadm's fail(2, ...): the message and a newline, status 2.
    static func fail(_ text: String) -> IPVSAdmUsageError {
        IPVSAdmUsageError(message: text + "\n", exitCode: 2)
    }

    /// ipvsadm's tryhelp_exit(program, -1): status 255.
    static func tryHelp(_ program: String) -> IPVSAdmUsageError {
        IPVSAdmUsageError(message: "Try `\(program) -h' or '\(program) --help' for more information.\n",
                          exitCode: 255)
    }
}
