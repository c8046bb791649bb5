/// `track_file NAME { file PATH; weight N [reverse]; init_file [VALUE] [overwrite] }`: a file
/// holding a number that is multiplied by the weight and added to the priority of the
/// instances tracking it (keepalived/trackers/track_file.c). `vrrp_track_file` is the
/// deprecated spelling (after keepalived 2.0.20).
public struct TrackedFile: Sendable {
    public let name: String
    public let position: SourcePosition
    /// `file`: required (track_file_end_handler drops a block without one).
    public internal(set) var path: String?
    /// `weight`, default 1 (track_file_handler).
    public internal(set) var weight = 1
    public internal(set) var isReversed = false
    /// `init_file`: create the file at start-up with ``InitialContent/value`` if it does not
    /// exist (or always, with `overwrite`).
    public internal(set) var initialContent: InitialContent?

    public struct InitialContent: Sendable, Hashable {
        /// The number written; 0 by default.
        public internal(set) var value = 0
        /// `overwrite`: write the file even if it exists (not on reload).
        public internal(set) var overwrite = false
    }

    init(name: String, position: SourcePosition) {
        self.name = name
        self.position = position
    }

    static let keywords = KeywordTable<TrackedFile>("track_file", [
        .value("file") { file, s, ctx in
            guard let token = ctx.argument(s, 0, "a file path") else { return }
            ctx.extraArguments(s, after: 1)
            if file.path != nil {
                ctx.error("'file' is given twice (keepalived keeps the first)", at: s.keyword.position)
                return
            }
            file.path = token.text
        },
        .trackWeight(in: -254...254) { file, weight, reversed in
            file.weight = weight
            if reversed { file.isReversed = true }
        },
        .value("init_file") { file, s, ctx in
            var content = InitialContent()
            for word in s.arguments {
                if word.text == "overwrite" {
                    content.overwrite = true
                } else if let first = word.text.utf8.first, first == UInt8(ascii: "-") || (first >= 48 && first <= 57) {
                    guard let n = ctx.integer(word, in: Int(Int32.min)...Int(Int32.max), for: "init_file") else { return }
                    if !(-254...254).contains(n) {
                        ctx.warning("init_file value \(n) is outside the sensible range -254...254", at: word.position)
                    }
                    content.value = n
                } else {
                    ctx.error("unknown init_file option '\(word.text)'; expected a number or 'overwrite'", at: word.position)
                    return
                }
            }
            file.initialContent = content
        },
    ])
}
