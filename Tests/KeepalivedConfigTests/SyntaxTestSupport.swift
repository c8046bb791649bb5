import KeepalivedConfig

/// Reading helpers for the syntax tests: an in-memory /etc/keepalived with the main file
/// `keepalived.conf` and any other files given.
enum SyntaxFixture {
    static let directory = "/etc/keepalived"

    static func fileSystem(_ main: [UInt8], files: [String: String] = [:]) -> InMemoryFileSystem {
        var fs = InMemoryFileSystem(currentDirectory: directory)
        fs.add("keepalived.conf", main)
        for (path, text) in files { fs.add(path, Array(text.utf8)) }
        return fs
    }

    static func read(_ text: String, configID: String? = nil, files: [String: String] = [:],
                     seed: UInt64 = 1) -> (ConfigDocument, Diagnostics) {
        read(bytes: Array(text.utf8), configID: configID, files: files, seed: seed)
    }

    static func read(bytes: [UInt8], configID: String? = nil, files: [String: String] = [:],
                     seed: UInt64 = 1) -> (ConfigDocument, Diagnostics) {
        ConfigReader.read(path: "keepalived.conf",
                          options: ConfigReadOptions(configID: configID, randomSeed: seed),
                          fileSystem: fileSystem(bytes, files: files))
    }

    /// The statements one per line, children indented by two spaces:
    /// `keyword@LINE:COL arg@LINE:COL "quoted"@LINE:COL {@LINE:COL` ... `}`.
    /// Positions in a file other than the main one are written `@FILE:LINE:COL`.
    static func dump(_ statements: [ConfigStatement], indent: String = "") -> [String] {
        var lines: [String] = []
        for statement in statements {
            var words = ([statement.keyword] + statement.arguments).map(token)
            if let open = statement.blockOpen { words.append("{" + at(open)) }
            lines.append(indent + words.joined(separator: " "))
            if let block = statement.block {
                lines += dump(block, indent: indent + "  ")
                lines.append(indent + "}")
            }
        }
        return lines
    }

    static func token(_ token: ConfigToken) -> String {
        (token.quoted ? "\"\(token.text)\"" : token.text) + at(token.position)
    }

    static func at(_ p: SourcePosition) -> String {
        p.file == 0 ? "@\(p.line):\(p.column)" : "@\(p.file):\(p.line):\(p.column)"
    }

    /// `FILE:LINE:COL: severity: message` per diagnostic.
    static func messages(_ diagnostics: Diagnostics, _ document: ConfigDocument) -> [String] {
        diagnostics.all.map { d in
            let place = d.position.map {
                "\(document.sources.files[$0.file].path):\($0.line):\($0.column): "
            } ?? ""
            return "\(place)\(d.severity.rawValue): \(d.message)"
        }
    }
}
