import NIOSSL
import Synchronization

/// One `NIOSSLContext` per distinct ``TLSOptions``, made on first use and kept.
final class TLSContextCache: Sendable {
    private let contexts = Mutex<[TLSOptions: NIOSSLContext]>([:])

    func context(for options: TLSOptions) throws(CheckConfigurationError) -> NIOSSLContext {
        if let context = contexts.withLock({ $0[options] }) { return context }
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = options.caFile {
            configuration.trustRoots = .file(caFile)
            configuration.certificateVerification = options.serverName == nil ? .noHostnameVerification : .fullVerification
        } else {
            // keepalived's default: the server certificate is not verified.
            configuration.certificateVerification = .none
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw CheckConfigurationError(.invalidTLS, "cannot make a TLS context: \(error)")
        }
        contexts.withLock { $0[options] = context }
        return context
    }
}
