import KeepalivedConfig
import RealServerChecks

extension VirtualServer {
    /// How the director names this virtual server in logs, status and health keys:
    /// `TCP 10.0.0.1:80`, `UDP [2001:db8::1]:53`, `fwmark 7`, `TCP group web`.
    public var name: String {
        switch key {
        case .fwmark: return key.description
        case .address, .group:
            return "\(self.protocol?.rawValue ?? "UDP") \(key)"
        }
    }

    /// The health key of one of its real servers: `TCP 10.0.0.1:80 -> 192.168.1.2:8080`.
    /// The same real server under two virtual servers has two keys (two entries in the
    /// table, each with its own weight); equal checks still share one probe schedule in the
    /// engine.
    public func healthID(of realServer: RealServer) -> RealServerID {
        Self.healthID(name: name, realServer)
    }

    /// The health keys of all its real servers, in configuration order: the same keys as
    /// ``healthID(of:)``, with ``name`` made once instead of once per real server.
    public var healthIDs: [RealServerID] {
        let name = self.name
        return realServers.map { Self.healthID(name: name, $0) }
    }

    private static func healthID(name: String, _ realServer: RealServer) -> RealServerID {
        RealServerID("\(name) -> \(realServer.endpointText)")
    }
}

extension RealServer {
    /// `192.168.1.2:8080`, `[2001:db8::2]:80`.
    public var endpointText: String {
        address.isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
