extension ConfigStatement {
    /// The statement's line cut into words the way keepalived cuts script command lines
    /// (`notify_master`, `script`, `misc_path`, `regex`; its `alloc_strvec_quoted_escaped`):
    /// `"..."` and `'...'` quote, `\` escapes (see the manual's "Quoted strings"). The first
    /// word is the keyword. A quote left open or a `\` ending the line is a positioned
    /// error, as keepalived refuses the line.
    public func quotedEscapedWords() -> Result<[ConfigToken], Diagnostic> {
        guard let line else { return .success([keyword] + arguments) }
        return ConfigLexer.quotedEscapedWords(line).map { words in
            words.map { ConfigToken(String(decoding: $0.bytes, as: UTF8.self), at: $0.position, quoted: $0.quoted) }
        }
    }
}
