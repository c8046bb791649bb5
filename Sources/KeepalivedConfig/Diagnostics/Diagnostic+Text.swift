extension Diagnostic {
    /// The diagnostic as a compiler prints it on stderr:
    ///
    ///     keepalived.conf:12:5: error: 'virtual_server' block opened here is never closed
    ///     virtual_server 10.0.0.1 80 {
    ///                                ^
    ///     keepalived.conf:3:1: note: first defined here
    ///     included from /etc/keepalived/keepalived.conf:4
    ///
    /// The caret line keeps the tabs of the source line, so the caret stands under the
    /// column in any tab width. A diagnostic without a position is `error: message`.
    /// Every line ends with `\n`.
    public func text(in sources: SourceMap) -> String {
        var out = ""
        if let position {
            out += "\(sources.location(of: position)): \(severity.rawValue): \(message)\n"
            if let line = sources.lineText(of: position) {
                out += line + "\n"
                out += Self.caretLine(sources, position) + "\n"
            }
        } else {
            out += "\(severity.rawValue): \(message)\n"
        }
        for note in notes {
            if let at = note.position {
                out += "\(sources.location(of: at)): note: \(note.message)\n"
            } else {
                out += "note: \(note.message)\n"
            }
        }
        if let position {
            for site in sources.includeChain(of: position) {
                out += "included from \(sources.fileName(site.file)):\(site.line)\n"
            }
        }
        return out
    }

    /// Blanks as wide as the text before the column (tabs kept, one blank per character
    /// however many bytes it has), then `^`.
    private static func caretLine(_ sources: SourceMap, _ position: SourcePosition) -> String {
        let bytes = sources.files[position.file].lines[position.line - 1]
        var prefix = ""
        for b in bytes.prefix(max(0, position.column - 1)) {
            if b == 0x09 { prefix += "\t" } else if b & 0xC0 != 0x80 { prefix += " " }
        }
        return prefix + "^"
    }
}

extension Diagnostics {
    /// Every diagnostic as ``Diagnostic/text(in:)`` renders it, in order.
    public func text(in sources: SourceMap) -> String {
        all.map { $0.text(in: sources) }.joined()
    }
}

extension SourceMap {
    /// The path of file `index`, or `?` for an index this map does not have.
    func fileName(_ index: Int) -> String {
        files.indices.contains(index) ? files[index].path : "?"
    }

    /// `FILE:LINE:COLUMN`.
    func location(of position: SourcePosition) -> String {
        "\(fileName(position.file)):\(position.line):\(position.column)"
    }
}
