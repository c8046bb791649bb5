/// Readers for values of the VRRP side of a configuration.
extension ReadContext {
    /// The words of a command statement as keepalived re-reads them for scripts (quotes and
    /// escapes: ``ConfigStatement/quotedEscapedWords()``); the keyword is the first. nil after
    /// an error.
    mutating func commandWords(_ statement: ConfigStatement) -> [ConfigToken]? {
        switch statement.quotedEscapedWords() {
        case .success(let words):
            guard words.count >= 2 else {
                error("'\(statement.keyword.text)' needs a command", at: statement.end)
                return nil
            }
            return words
        case .failure(let diagnostic):
            diagnostics.append(diagnostic)
            return nil
        }
    }

    /// The command of `script`: the first word after the keyword, split again into the
    /// program and its arguments (lib/notify.c, set_script_params_array). Words after it are
    /// warned about: keepalived ignores them.
    mutating func scriptCommand(_ statement: ConfigStatement) -> ScriptCommand? {
        guard let words = commandWords(statement) else { return nil }
        if words.count > 2 {
            let rest = words[2...].map(\.text).joined(separator: " ")
            warning("'\(rest)' after the command is ignored; quote the whole command line to pass arguments",
                    at: words[2].position)
        }
        return command(words[1])
    }

    /// A command word split as keepalived splits it, or an error.
    mutating func command(_ token: ConfigToken) -> ScriptCommand? {
        switch ScriptCommand.make(token) {
        case .success(let command):
            return command
        case .failure(let failure):
            // keepalived: "String '%s': missing terminating %c", then the script is dropped.
            error("cannot split the command '\(token.text)' into arguments: \(failure.message)",
                  at: token.position)
            return nil
        }
    }

    /// `notify*` lines: `notify_master COMMAND [USER [GROUP]]` (lib/notify.c,
    /// notify_script_init: the words after the command are the user and group).
    mutating func notifyScript(_ statement: ConfigStatement) -> ScriptCommand? {
        guard let words = commandWords(statement) else { return nil }
        if words.count > 4 {
            let rest = words[4...].map(\.text).joined(separator: " ")
            warning("unexpected '\(rest)' after '\(statement.keyword.text)' is ignored", at: words[4].position)
        }
        guard var command = command(words[1]) else { return nil }
        if words.count > 2 { command.user = words[2].text }
        if words.count > 3 { command.group = words[3].text }
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
