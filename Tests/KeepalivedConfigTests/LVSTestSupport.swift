import KeepalivedConfig

/// Reading helpers for the LVS model tests: configuration text in an in-memory
/// /etc/keepalived/keepalived.conf, read with the real reader and model.
enum LVSFixture {
    static func load(_ text: String) -> ConfigLoadResult {
        var fs = InMemoryFileSystem(currentDirectory: "/etc/keepalived")
        fs.add("keepalived.conf", Array(text.utf8))
        return KeepalivedConfiguration.load(path: "keepalived.conf",
                                            options: ConfigReadOptions(configID: nil, randomSeed: 1),
                                            fileSystem: fs)
    }

    /// `LINE:COL: severity: message` per diagnostic, notes as `  note LINE:COL: message`.
    static func messages(_ result: ConfigLoadResult) -> [String] {
        result.diagnostics.all.flatMap { d -> [String] in
            let place = d.position.map { "\($0.line):\($0.column): " } ?? ""
            return ["\(place)\(d.severity.rawValue): \(d.message)"]
                + d.notes.map { n in "  note \(n.position.map { "\($0.line):\($0.column)" } ?? "-"): \(n.message)" }
        }
    }

    /// A complete, quiet virtual server around `body` (TCP, rr, NAT, one real server).
    static func virtualServer(_ body: String, key: String = "10.0.0.1 80",
                              realServer: String = "real_server 192.168.0.1 80 {\n}") -> String {
        """
        virtual_server \(key) {
            protocol TCP
            lvs_sched rr
            lvs_method NAT
        \(body)
            \(realServer)
        }
        """
    }

    /// The first virtual server of a configuration read without errors.
    static func firstVirtualServer(_ text: String) -> (VirtualServer?, [String]) {
        let result = load(text)
        return (result.configuration?.virtualServers.first, messages(result))
    }
}
