/// One keyword a block accepts, and what reading it does to the block's model.
///
/// Every keyword keepalived 2.2.7 knows in a block has an entry, so that nothing a keepalived
/// user writes is an unknown keyword to lvsd: keywords lvsd implements have a handler; the
/// rest are named in a warning (``Kind/unimplemented(_:)``, ``Kind/obsolete(_:)``) and never
/// ignored silently.
struct Keyword<Target>: Sendable {
    typealias Handler = @Sendable (inout Target, ConfigStatement, inout ReadContext) -> Void

    enum BlockUse: Sendable {
        /// The keyword takes arguments only; a block after it is an error.
        case none
        /// The keyword must be followed by a block.
        case required
        /// A block may follow (keepalived accepts both forms).
        case optional
    }

    enum Kind: Sendable {
        /// Implemented: the handler reads the statement into the model.
        case handler(BlockUse, Handler)
        /// A deprecated spelling of another keyword of the same block: warned about, then read
        /// as that keyword.
        case alias(of: String)
        /// A keyword older keepalived versions had and 2.2.7 ignores: warned about, no effect.
        /// The text says what happened to it ("removed in keepalived 1.2.20").
        case obsolete(String)
        /// A keyword keepalived 2.2.7 implements and lvsd does not: warned about by name, its
        /// block (if any) skipped. The text says what the user loses, if anything.
        case unimplemented(String?)
    }

    let name: String
    let kind: Kind

    /// A keyword with arguments and no block.
    static func value(_ name: String, _ handler: @escaping Handler) -> Keyword {
        Keyword(name: name, kind: .handler(.none, handler))
    }

    /// A keyword that opens a block.
    static func block(_ name: String, _ handler: @escaping Handler) -> Keyword {
        Keyword(name: name, kind: .handler(.required, handler))
    }

    /// A keyword that may or may not be followed by a block.
    static func optionalBlock(_ name: String, _ handler: @escaping Handler) -> Keyword {
        Keyword(name: name, kind: .handler(.optional, handler))
    }

    static func alias(_ name: String, of target: String) -> Keyword {
        Keyword(name: name, kind: .alias(of: target))
    }

    static func obsolete(_ name: String, _ explanation: String) -> Keyword {
        Keyword(name: name, kind: .obsolete(explanation))
    }

    static func unimplemented(_ name: String, _ explanation: String? = nil) -> Keyword {
        Keyword(name: name, kind: .unimplemented(explanation))
    }
}
