import NIOCore
import NIOPosix

/// keepalived `TCP_CHECK`: connect, then close.
struct TCPProbe: Sendable {
    let group: any EventLoopGroup

    func run(_ check: TCPCheck) async -> ProbeOutcome {
        let address: SocketAddress
        do {
            address = try check.target.socketAddress()
        } catch {
            return .unhealthy(reason: "cannot resolve \(check.target.host): \(error)")
        }
        var bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(Int64(check.connectTimeout.secondsValue * 1e9)))
        if let source = try? check.sourceAddress() {
            bootstrap = bootstrap.channelOption(.socketOption(.so_reuseaddr), value: 1).bind(to: source)
        }
        let future = bootstrap.connect(to: address)
        do {
            let channel = try await withTaskCancellationHandler {
                try await future.get()
            } onCancel: {
                future.whenSuccess { $0.close(promise: nil) }
            }
            channel.close(promise: nil)
            return .healthy
        } catch {
            return .unhealthy(reason: ConnectFailure.reason(error, timeout: check.connectTimeout))
        }
    }
}

extension TCPCheck {
    func sourceAddress() throws -> SocketAddress? {
        try Self.source(bindAddress: bindAddress, bindPort: bindPort, family: target.isIPv6)
    }

    static func source(bindAddress: String?, bindPort: Int?, family isIPv6: Bool) throws -> SocketAddress? {
        guard bindAddress != nil || bindPort != nil else { return nil }
        let host = bindAddress ?? (isIPv6 ? "::" : "0.0.0.0")
        return try SocketAddress(ipAddress: host, port: bindPort ?? 0)
    }

    /// ``source(bindAddress:bindPort:family:)`` for a connection to `target`, where a `bindto`
    /// that is not an address is a configuration error (HTTP, SMTP and DNS checks).
    static func configuredSource(bindAddress: String?, bindPort: Int?,
                                 to target: CheckEndpoint) throws(CheckConfigurationError) -> SocketAddress? {
        do {
            return try source(bindAddress: bindAddress, bindPort: bindPort, family: target.isIPv6)
        } catch {
            throw CheckConfigurationError(.invalidEndpoint, "invalid bindto: \(error)")
        }
    }
}
