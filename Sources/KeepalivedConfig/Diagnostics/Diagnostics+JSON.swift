extension Diagnostics {
    /// The diagnostics as a JSON array (`--json`), one object per diagnostic with its keys
    /// always in this order:
    ///
    ///     [{"severity":"error","file":"keepalived.conf","line":3,"column":1,
    ///       "message":"...","notes":[{"file":...,"line":...,"column":...,"message":...}],
    ///       "included_from":[{"file":"main.conf","line":7}]}]
    ///
    /// `file`, `line` and `column` are null for a diagnostic without a position;
    /// `included_from` lists the include chain innermost first. One object per line,
    /// the whole ending with `]\n`.
    public func json(in sources: SourceMap) -> String {
        if all.isEmpty { return "[]\n" }
        let objects = all.map { diagnostic -> String in
            var fields = ["\"severity\":\(JSONText.string(diagnostic.severity.rawValue))"]
            fields += JSONText.location(diagnostic.position, sources)
            fields.append("\"message\":\(JSONText.string(diagnostic.message))")
            let notes = diagnostic.notes.map { note in
                "{" + (JSONText.location(note.position, sources)
                    + ["\"message\":\(JSONText.string(note.message))"]).joined(separator: ",") + "}"
            }
            fields.append("\"notes\":[\(notes.joined(separator: ","))]")
            let chain = diagnostic.position.map { sources.includeChain(of: $0) } ?? []
            let sites = chain.map { "{\"file\":\(JSONText.string(sources.fileName($0.file))),\"line\":\($0.line)}" }
            fields.append("\"included_from\":[\(sites.joined(separator: ","))]")
            return "{" + fields.joined(separator: ",") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }
}

/// The few JSON pieces ``Diagnostics/json(in:)`` writes.
enum JSONText {
    static func location(_ position: SourcePosition?, _ sources: SourceMap) -> [String] {
        guard let position else { return ["\"file\":null", "\"line\":null", "\"column\":null"] }
        return ["\"file\":\(string(sources.fileName(position.file)))",
                "\"line\":\(position.line)", "\"column\":\(position.column)"]
    }

    /// A JSON string literal: `"` and `\` escaped, control characters as `\n`, `\t` or
    /// `\u00XX`.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
