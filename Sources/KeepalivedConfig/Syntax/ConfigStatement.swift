/// A word of the configuration after preprocessing: `$NAME` replaced, comments removed,
/// quotes taken off (``quoted`` says there were some).
public struct ConfigToken: Sendable, Hashable {
    public var text: String
    /// Where the word starts in the file as written. For words that came out of a `$NAME`
    /// expansion or a `~SEQ` line, the position of the text they replaced.
    public var position: SourcePosition
    public var quoted: Bool

    public init(_ text: String, at position: SourcePosition, quoted: Bool = false) {
        self.text = text
        self.position = position
        self.quoted = quoted
    }
}

/// One statement: a keyword, its arguments, and the block that follows it, if any.
///
/// keepalived splits a line at `{` and `}` (outside quotes) and reads each piece as a line
/// of its own; a statement therefore ends at the end of a line, at `{` or at `}`.
/// `real_server 10.0.0.1 80 { weight 2 }` is one statement with a block holding
/// `weight 2`. A `{` on the line after the keyword opens that keyword's block, as in
/// keepalived.
///
/// Lines inside value blocks (`virtual_ipaddress { ... }`, `notification_email { ... }`)
/// are statements too: their first word is in ``keyword``; the schema reads them as values.
public struct ConfigStatement: Sendable {
    public var keyword: ConfigToken
    public var arguments: [ConfigToken]
    /// The statements between this statement's `{` and its matching `}`; nil without braces.
    public var block: [ConfigStatement]?
    /// Where the block's `{` stands (nil without a block).
    public var blockOpen: SourcePosition?
    /// The statement's line after preprocessing, as keepalived hands it to keyword
    /// handlers (its `buf_extern`), for the lines that hold a quote or a backslash; nil
    /// for the others (both of keepalived's ways of cutting a line give the same words then)
    /// and for statements not read from text. Script keywords split it again with
    /// ``quotedEscapedWords()``.
    public var line: ConfigLineText?

    public init(keyword: ConfigToken, arguments: [ConfigToken] = [],
                block: [ConfigStatement]? = nil, blockOpen: SourcePosition? = nil,
                line: ConfigLineText? = nil) {
        self.keyword = keyword
        self.arguments = arguments
        self.block = block
        self.blockOpen = blockOpen
        self.line = line
    }

    /// The position of the first character after the last token, for "expected a value"
    /// diagnostics (after its closing quote for a quoted token; for a token from a
    /// `$NAME` expansion, counted from the `$`).
    public var end: SourcePosition {
        let last = arguments.last ?? keyword
        var p = last.position
        p.column += last.text.utf8.count + (last.quoted ? 2 : 0)
        return p
    }
}

/// A whole configuration as statements, with every file it was read from.
public struct ConfigDocument: Sendable {
    public var statements: [ConfigStatement]
    public var sources: SourceMap

    public init(statements: [ConfigStatement], sources: SourceMap) {
        self.statements = statements
        self.sources = sources
    }
}
