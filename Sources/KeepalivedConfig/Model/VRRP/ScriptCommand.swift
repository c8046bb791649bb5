/// A command keepalived runs: a `vrrp_script`'s `script`, or a `notify*` script.
///
/// keepalived takes the first word after the keyword (quotes removed, escapes undone) and
/// splits it again into the program and its arguments (lib/notify.c, set_script_params_array,
/// through lib/parser.c, alloc_strvec_quoted_escaped): blanks separate words; `"..."` and
/// `'...'` group; a backslash escapes the next character, inside single and double quotes
/// alike, and knows `\n`, `\t`, `\r`, `\a`, `\b`, `\E`, `\f`, `\v`, `\xHH`, `\cX` and octal
/// `\NNN`. So
/// `script "/usr/bin/check --port 80"` runs `/usr/bin/check` with two arguments, and
/// `script /usr/bin/check --port 80` runs `/usr/bin/check` without any (keepalived ignores
/// the other words; lvsd warns).
public struct ScriptCommand: Sendable, Hashable {
    /// The word as written in the file (quotes removed).
    public let text: String
    /// ``text`` split as keepalived splits it: the program, then its arguments.
    public internal(set) var arguments: [String]
    /// The user to run it as (`notify_master /bin/x USER [GROUP]`, `vrrp_script`'s `user`);
    /// nil means keepalived's default script user.
    public internal(set) var user: String?
    public internal(set) var group: String?
    /// Where the command word stands.
    public let position: SourcePosition

    /// The program: the first of ``arguments``.
    public var program: String { arguments[0] }

    /// A command word split as keepalived splits it, or why keepalived refuses it.
    static func make(_ token: ConfigToken) -> Result<ScriptCommand, ConfigLexer.QuotedEscapedFailure> {
        split(Array(token.text.utf8)).flatMap { words in
            guard !words.isEmpty else {
                return .failure(ConfigLexer.QuotedEscapedFailure(index: 0, message: "an empty command"))
            }
            return .success(ScriptCommand(text: token.text, arguments: words, position: token.position))
        }
    }

    private init(text: String, arguments: [String], position: SourcePosition) {
        self.text = text
        self.arguments = arguments
        self.position = position
    }

    /// The second split of keepalived's set_script_params_array: the same rules as the
    /// first (``ConfigLexer``'s quoted-escaped words, lib/parser.c
    /// alloc_strvec_quoted_escaped), applied to the command word that split produced, so
    /// that escapes are undone twice: `script "/bin/echo 'a\\'b'"` runs `/bin/echo` with
    /// `a'b`, and `script "/bin/echo 'a\'b'"` is refused (the first split leaves `'a'b'`).
    static func split(_ bytes: [UInt8]) -> Result<[String], ConfigLexer.QuotedEscapedFailure> {
        ConfigLexer.quotedEscapedWords(bytes).map { words in
            words.map { String(decoding: $0.bytes, as: UTF8.self) }
        }
    }
}
