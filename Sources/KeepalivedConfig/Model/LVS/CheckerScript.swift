/// A command the checker side runs: MISC_CHECK's `misc_path`, a real server's `notify_up` /
/// `notify_down`, a virtual server's `quorum_up` / `quorum_down`.
///
/// keepalived runs the command through its own word splitting, without a shell; ``words``
/// holds the words as the configuration reader split them (quotes removed), the program
/// first.
public struct CheckerScript: Sendable, Hashable {
    public var words: [String]
    /// Where the command starts in the configuration.
    public var position: SourcePosition

    public init(words: [String], position: SourcePosition) {
        self.words = words
        self.position = position
    }

    /// The program: the first word.
    public var program: String { words.first ?? "" }
}
