import IPVSNetlink

/// Turns addresses and ports into the names ipvsadm prints without `-n`.
/// Injected so that host-side tests render non-numeric output deterministically.
public protocol IPVSAdmNameResolver: Sendable {
    /// The host name of an address, or nil to print the address itself.
    func hostName(for address: IPAddress) -> String?
    /// The service name of a port for a protocol, or nil to print the number.
    func serviceName(for port: UInt16, protocol: IPProtocol) -> String?
}

/// What ipvsadm does: gethostbyaddr(3) for addresses (hosts file, DNS, as
/// nsswitch.conf says) and getservbyport(3) for ports (/etc/services).
public struct SystemNameResolver: IPVSAdmNameResolver {
    public init() {}

    public func hostName(for address: IPAddress) -> String? {
        Syscalls.hostName(for: address)
    }

    public func serviceName(for port: UInt16, protocol: IPProtocol) -> String? {
        Syscalls.serviceName(port: port, protocolName: `protocol`.description.lowercased())
    }
}

/// Resolves nothing: every address and port prints as a number.
public struct NumericNameResolver: IPVSAdmNameResolver {
    public init() {}
    public func hostName(for address: IPAddress) -> String? { nil }
    public func serviceName(for port: UInt16, protocol: IPProtocol) -> String? { nil }
}

/// Fixed answers, for tests and for callers that already know the names.
public struct TableNameResolver: IPVSAdmNameResolver {
    public var hosts: [IPAddress: String]
    /// Keyed by protocol then port.
    public var services: [IPProtocol: [UInt16: String]]

    public init(hosts: [IPAddress: String] = [:], services: [IPProtocol: [UInt16: String]] = [:]) {
        self.hosts = hosts
        self.services = services
    }

    public func hostName(for address: IPAddress) -> String? { hosts[address] }
    public func serviceName(for port: UInt16, protocol: IPProtocol) -> String? { services[`protocol`]?[port] }
}
