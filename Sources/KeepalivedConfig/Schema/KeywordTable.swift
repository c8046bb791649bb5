/// The keywords of one kind of block (`virtual_server`, `vrrp_instance`, the top level...) and
/// the reading of a block's statements with them.
struct KeywordTable<Target>: Sendable {
    /// The block's name as messages show it: "virtual_server", "top level".
    let blockName: String
    private let entries: [String: Keyword<Target>]
    /// Keyword names in declaration order, for suggestions and for tests that list them.
    let names: [String]

    init(_ blockName: String, _ keywords: [Keyword<Target>]) {
        self.blockName = blockName
        var entries: [String: Keyword<Target>] = [:]
        var names: [String] = []
        for keyword in keywords where entries[keyword.name] == nil {
            entries[keyword.name] = keyword
            names.append(keyword.name)
        }
        self.entries = entries
        self.names = names
        assert(names.count == keywords.count, "\(blockName): a keyword is declared twice")
    }

    func keyword(named name: String) -> Keyword<Target>? { entries[name] }

    /// Reads `statements` into `target`: every statement's keyword is looked up, unknown ones
    /// are errors with a suggestion, and the block rules of each keyword are checked.
    func read(_ statements: [ConfigStatement], into target: inout Target, _ context: inout ReadContext) {
        for index in statements.indices {
            read(statements[index], into: &target, &context)
        }
    }

    func read(_ statement: ConfigStatement, into target: inout Target, _ context: inout ReadContext) {
        let name = statement.keyword.text
        guard var keyword = entries[name] else {
            var message = "unknown keyword '\(name)' in \(blockName)"
            if let suggestion = Suggestion.closest(to: name, among: names) {
                message += "; did you mean '\(suggestion)'?"
            }
            context.error(message, at: statement.keyword.position)
            return
        }
        if case .alias(let target) = keyword.kind {
            context.warning("'\(name)' is deprecated; use '\(target)'", at: statement.keyword.position)
            guard let resolved = entries[target] else {
                assertionFailure("\(blockName): alias \(name) of unknown \(target)")
                return
            }
            keyword = resolved
        }
        switch keyword.kind {
        case .handler(let blockUse, let handler):
            switch blockUse {
            case .none where statement.block != nil:
                context.error("'\(name)' takes no block", at: statement.blockOpen ?? statement.keyword.position)
                return
            case .required where statement.block == nil:
                context.error("'\(name)' needs a block: expected '{'", at: statement.end)
                return
            default:
                handler(&target, statement, &context)
            }
        case .obsolete(let explanation):
            context.warning("'\(name)' has no effect: \(explanation)", at: statement.keyword.position)
        case .unimplemented(let explanation):
            var message = "'\(name)' is not implemented by lvsd and is ignored"
            if let explanation { message += ": \(explanation)" }
            context.warning(message, at: statement.keyword.position)
        case .alias:
            assertionFailure("\(blockName): alias \(name) resolves to another alias")
        }
    }
}
