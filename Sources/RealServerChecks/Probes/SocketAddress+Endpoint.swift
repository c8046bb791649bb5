import NIOCore
import NIOPosix

extension CheckEndpoint {
    /// The socket address; a host name is resolved (blocking), which only the command line needs.
    func socketAddress() throws -> SocketAddress {
        if let address = try? SocketAddress(ipAddress: host, port: port) { return address }
        return try SocketAddress.makeAddressResolvingHost(host, port: port)
    }
}

/// Turns NIO's errors into the words of a check's reason.
enum ConnectFailure {
    static func reason(_ error: any Error, timeout: Duration) -> String {
        if let error = error as? ChannelError, case .connectTimeout = error {
            return "connect timeout after \(timeout.humanReadable)"
        }
        if let error = error as? IOError {
            return "connect failed: \(Self.errnoText(error.errnoCode))"
        }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first { return reason(first.error, timeout: timeout) }
            if let dns = error.dnsAError ?? error.dnsAAAAError { return "cannot resolve \(error.host): \(dns)" }
        }
        return "connect failed: \(error)"
    }

    static func errnoText(_ code: CInt) -> String {
        switch code {
        case ECONNREFUSED: "connection refused"
        case ECONNRESET: "connection reset"
        case EHOSTUNREACH: "host unreachable"
        case ENETUNREACH: "network unreachable"
        case EADDRINUSE: "source address in use"
        case EADDRNOTAVAIL: "source address not available"
        case ETIMEDOUT: "connection timed out"
        default: String(cString: strerror(code))
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
