import Director
import IPVSNetlink
import KeepalivedConfig
import RealServerChecks

/// Loads a configuration from text (in memory, as /k.conf); fails the test on errors.
func loadConfiguration(_ text: String) throws -> (KeepalivedConfiguration, SourceMap) {
    let fileSystem = InMemoryFileSystem(files: ["/k.conf": text])
    let result = KeepalivedConfiguration.load(path: "/k.conf", options: ConfigReadOptions(configID: "test"),
                                              fileSystem: fileSystem)
    guard result.passes(strict: false), let configuration = result.configuration else {
        throw TestFailure(result.diagnosticsText(path: "/k.conf", strict: false))
    }
    return (configuration, result.sources)
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `ipvsadm -Sn`-like lines of a table, in its order, for exact comparisons.
func lines(_ table: [IPVSServiceEntry]) -> [String] {
    var out: [String] = []
    for entry in table {
        out.append("\(entry.service.key) \(entry.service.scheduler)")
        for d in entry.destinations {
            out.append("  \(d.address.family == .inet6 ? "[\(d.address)]" : "\(d.address)"):\(d.port) w\(d.weight)")
        }
    }
    return out
}

func transition(_ id: String, up: Bool, weight: Int? = nil) -> HealthTransition {
    HealthTransition(realServer: RealServerID(id), health: RealServerHealth(isUp: up, weight: weight, reason: up ? "ok" : "failed"))
}
