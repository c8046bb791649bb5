import KeepalivedConfig

/// Reading helpers for the VRRP model tests: configuration text in an in-memory
/// /etc/keepalived/keepalived.conf, read with the real reader and model.
enum VRRPFixture {
    static func load(_ text: String, files: [String: String] = [:]) -> ConfigLoadResult {
        var fs = InMemoryFileSystem(currentDirectory: "/etc/keepalived")
        fs.add("keepalived.conf", Array(text.utf8))
        for (path, body) in files { fs.add(path, Array(body.utf8)) }
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

    /// The model of a configuration that must read without errors.
    static func model(_ text: String) -> (VRRPSettings, [String])? {
        let result = load(text)
        guard let configuration = result.configuration else { return nil }
        return (configuration.vrrp, messages(result))
    }

    /// A minimal valid instance block around `body` (interface eth0, VRID 51, one address),
    /// so that tests show only what they are about.
    static func instance(_ body: String, name: String = "VI_1", vip: String = "10.0.0.1") -> String {
        """
        vrrp_instance \(name) {
            interface eth0
            virtual_router_id 51
            virtual_ipaddress {
                \(vip)
            }
        \(body)
        }
        """
    }
}
