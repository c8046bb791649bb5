import NIOCore
import NIOPosix

/// Probes real targets: TCP, HTTP(S), SMTP and DNS over SwiftNIO, MISC_CHECK as a child process, UDP_CHECK
/// on the connect threads, FILE_CHECK by reading the file.
///
/// The same code runs in the daemon and in `lvsctl probe`. A `TCP_CHECK` to an IP literal runs on
/// the prober's own connect threads (``TCPConnectLoop``, raw sockets and epoll, started on first
/// use); an engine runs whole TCP schedules on connect threads of its own, on its clock. Other
/// checks use `group`.
public struct LiveProber: Prober, ConnectLoopProbing {
    let group: any EventLoopGroup
    let tlsContexts = TLSContextCache()
    let tcp = TCPConnector(time: .continuous())
    let scripts: ScriptSettings

    /// - Parameters:
    ///   - group: the event loops for connections. One thread handles thousands of checks.
    ///   - scripts: keepalived's `script_user` and `enable_script_security` for MISC_CHECK.
    public init(group: any EventLoopGroup, scripts: ScriptSettings = ScriptSettings()) {
        self.group = group
        self.scripts = scripts
    }

    public func probe(_ spec: CheckSpec) async throws(CheckConfigurationError) -> ProbeOutcome {
        switch spec.checker {
        case .tcp(let check):
            if let target = TCPConnectTarget(check) {
                return await tcp.probe(target, key: check.target.port)
            }
            return await TCPProbe(group: group).run(check)
        case .http(let check):
            return try await HTTPProbe(group: group, tlsContexts: tlsContexts).run(check)
        case .misc(let check):
            return try await MiscProbe(settings: check.scriptSettings ?? scripts).run(check, defaultTimeout: spec.timing.delayLoop)
        case .file(let check):
            return FileProbe().run(check)
        case .udp(let check):
            guard let target = UDPProbeTarget(check) else {
                throw CheckConfigurationError(
                    .invalidEndpoint, "UDP_CHECK needs IP addresses, not host names: \(check.target)")
            }
            return await tcp.probe(target, key: check.target.port)
        case .smtp(let check):
            return try await SMTPProbe(group: group).run(check)
        case .dns(let check):
            return try await DNSProbe(group: group).run(check)
        case .ping(let check):
            guard let target = PingProbeTarget(check) else {
                throw CheckConfigurationError(.invalidEndpoint, "PING_CHECK needs an IP address, not '\(check.address)'")
            }
            return await tcp.probe(target, key: check.address.utf8.reduce(0) { $0 &+ Int($1) })
        }
    }

    /// keepalived genhash: GET `url` once and return the MD5 of its body, whatever the status code.
    public func genhash(_ check: HTTPCheck, url: URLCheck) async throws(CheckConfigurationError) -> Result<MD5Digest, GenhashError> {
        let evaluator = { @Sendable in
            HTTPResponseEvaluator(
                statusCodes: StatusCodeSet(ranges: [100...599]), wantsDigest: true, bodyCap: check.maximumBodyBytes)
        }
        let result = try await HTTPProbe(group: group, tlsContexts: tlsContexts).exchange(check, url: url, evaluator: evaluator)
        switch result {
        case .verdict(.bodyHashed(_, let digest, _, _)):
            return .success(digest)
        case .verdict(.failed(let reason)), .failed(let reason):
            return .failure(GenhashError(reason: reason))
        case .verdict(.statusAccepted(let status)), .verdict(.statusRejected(let status)):
            return .failure(GenhashError(reason: "unexpected status \(status) without a body"))
        }
    }
}

/// Why genhash could not produce a digest.
public struct GenhashError: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
