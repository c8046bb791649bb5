/// Readers for values of the VRRP side of a configuration.
extension ReadContext {
    /// Warns about words after a command: keepalived runs only the first word after the
    /// keyword (split again into program and arguments), and ignores the rest.
    mutating func ignoredCommandWords(_ statement: ConfigStatement, after count: Int) {
        guard statement.arguments.count > count else { return }
        let words = statement.arguments[count...].map(\.text).joined(separator: " ")
        warning("'\(words)' after the command is ignored; quote the whole command line to pass arguments",
                at: statement.arguments[count].position)
    }

    /// A command word split as keepalived splits it, or an error.
    mutating func command(_ token: ConfigToken) -> ScriptCommand? {
        guard let command = ScriptCommand(token) else {
            error("'\(token.text)' is not a command line (empty, a quote not closed, or a trailing backslash)",
                  at: token.position)
            return nil
        }
        return command
    }

    /// `notify*` lines: `notify_master COMMAND [USER [GROUP]]` (lib/notify.c,
    /// notify_script_init: the words after the command are the user and group).
    mutating func notifyScript(_ statement: ConfigStatement) -> ScriptCommand? {
        guard let token = argument(statement, 0, "a command") else { return nil }
        extraArguments(statement, after: 3)
        guard var command = command(token) else { return nil }
        if statement.arguments.count > 1 { command.user = statement.arguments[1].text }
        if statement.arguments.count > 2 { command.group = statement.arguments[2].text }
        return command
    }

    /// keepalived's check_true_false for keywords whose word is optional and means true when
    /// absent (`smtp_alert`, `strict_mode`, ...), with the extra words warned about.
    mutating func flag(_ statement: ConfigStatement) -> Bool? {
        extraArguments(statement, after: 1)
        return boolean(statement, 0, whenAbsent: true)
    }

    /// A whole number of seconds keepalived multiplies by TIMER_HZ (UINT_MAX / TIMER_HZ at most).
    mutating func seconds(_ statement: ConfigStatement) -> Duration? {
        guard let n = integer(statement, 0, in: 0...(Int(UInt32.max) / 1_000_000)) else { return nil }
        extraArguments(statement, after: 1)
        return .seconds(n)
    }
}
