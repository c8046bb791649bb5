/// `notify_fifo`, `vrrp_notify_fifo` or `lvs_notify_fifo FIFO_NAME [USER [GROUP]]` with its
/// `..._script COMMAND [USER [GROUP]]` (keepalived/core/global_parser.c `notify_fifo`,
/// `notify_fifo_script`; lib/notify.c `fifo_open`): a named pipe keepalived creates when it is
/// missing (owned by USER:GROUP), keeps open, and writes one line per event to; the script,
/// when given, is started with the FIFO's name as its last argument and reads the lines.
public struct NotifyFIFO: Sendable, Hashable {
    /// The FIFO's path.
    public internal(set) var path: String
    /// Who owns a FIFO keepalived creates; nil: the default script user.
    public internal(set) var user: String?
    public internal(set) var group: String?
    /// `..._notify_fifo_script`: the reader keepalived starts.
    public internal(set) var script: ScriptCommand?
    /// Where the FIFO's keyword is written.
    public internal(set) var position: SourcePosition

    init(path: String, position: SourcePosition) {
        self.path = path
        self.position = position
    }
}

extension ScriptCommand {
    /// The command with one more argument after its own (a FIFO script gets the FIFO's name).
    public func appending(_ argument: String) -> ScriptCommand {
        var copy = self
        copy.arguments.append(argument)
        return copy
    }
}
