import NIOCore
import NIOPosix
import NIOSSL

/// keepalived `HTTP_GET` / `SSL_GET`: GET each url in turn on its own connection; healthy when all pass.
struct HTTPProbe: Sendable {
    let group: any EventLoopGroup
    let tlsContexts: TLSContextCache

    func run(_ check: HTTPCheck) async throws(CheckConfigurationError) -> ProbeOutcome {
        for url in check.urls {
            let evaluator = { @Sendable in
                HTTPResponseEvaluator(
                    statusCodes: url.statusCodes, wantsDigest: url.digest != nil, regex: url.regex,
                    bodyCap: check.maximumBodyBytes)
            }
            switch try await exchange(check, url: url, evaluator: evaluator) {
            case .failed(let reason):
                return .unhealthy(reason: "\(reason) on \(url.path)")
            case .verdict(.failed(let reason)):
                return .unhealthy(reason: "\(reason) on \(url.path)")
            case .verdict(.statusRejected(let status)):
                return .unhealthy(reason: "HTTP \(status) on \(url.path)")
            case .verdict(.statusAccepted):
                continue
            case .verdict(.bodyHashed(_, let digest, _, let search)):
                // keepalived's order: status code, then digest, then regex.
                if let expected = url.digest, expected != digest {
                    return .unhealthy(reason: "digest mismatch on \(url.path): got \(digest), expected \(expected)")
                }
                if let regex = url.regex, let search, !regex.passes(search) {
                    return .unhealthy(reason: "\(Self.regexFailure(regex, search)) on \(url.path)")
                }
            }
        }
        return .healthy
    }

    /// Why a regex failed the url (keepalived logs "Regex match failed").
    static func regexFailure(_ regex: ResponseRegex, _ search: ResponseRegex.Search) -> String {
        switch search {
        case .matched(let offset):
            return "regex '\(regex.pattern)' matched at offset \(offset) (regex_no_match)"
        case .pastMaximum(let offset):
            return "regex '\(regex.pattern)' matched only at offset \(offset), past regex_max_offset \(regex.maximumOffset ?? 0)"
        case .notMatched:
            if regex.minimumOffset > 0 {
                return "regex '\(regex.pattern)' did not match from offset \(regex.minimumOffset)"
            }
            return "regex '\(regex.pattern)' did not match"
        }
    }

    /// One GET of `url` bounded by `connect_timeout` as a whole.
    func exchange(
        _ check: HTTPCheck, url: URLCheck, evaluator: @escaping @Sendable () -> HTTPResponseEvaluator
    ) async throws(CheckConfigurationError) -> HTTPExchangeResult {
        let address: SocketAddress
        do {
            address = try check.target.socketAddress()
        } catch {
            return .failed("cannot resolve \(check.target.host): \(error)")
        }
        // Before the promise: a configuration error must not leave it unfulfilled.
        let source = try TCPCheck.configuredSource(bindAddress: check.bindAddress, bindPort: check.bindPort, to: check.target)
        let sslContext: NIOSSLContext?
        if let tls = check.tls {
            sslContext = try tlsContexts.context(for: tls)
        } else {
            sslContext = nil
        }
        let request = HTTPRequest.bytes(
            path: url.path, host: HTTPRequest.hostHeader(url: url, check: check), version: check.httpProtocol)
        let timeout = check.connectTimeout
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: HTTPExchangeResult.self)
        let serverName = check.tls?.serverName.flatMap { (try? SocketAddress(ipAddress: $0, port: 0)) == nil ? $0 : nil }

        var bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(Int64(timeout.secondsValue * 1e9)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let tlsHandler = try NIOSSLClientHandler(context: sslContext, serverHostname: serverName)
                        try channel.pipeline.syncOperations.addHandler(tlsHandler)
                    }
                    let handler = HTTPProbeHandler(request: request, evaluator: evaluator(), promise: promise)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    let context = try channel.pipeline.syncOperations.context(handler: handler)
                    let bound = NIOLoopBound((handler, context), eventLoop: channel.eventLoop)
                    let deadline = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.secondsValue * 1e9))) {
                        let (handler, context) = bound.value
                        handler.timeOut("timeout after \(timeout.humanReadable) waiting for the response", context: context)
                    }
                    promise.futureResult.whenComplete { _ in deadline.cancel() }
                }
            }
        if let source {
            bootstrap = bootstrap.channelOption(.socketOption(.so_reuseaddr), value: 1).bind(to: source)
        }
        let connect = bootstrap.connect(to: address)
        connect.whenFailure { error in
            promise.succeed(.failed(ConnectFailure.reason(error, timeout: timeout)))
        }
        return await withTaskCancellationHandler {
            (try? await promise.futureResult.get()) ?? .failed("cancelled")
        } onCancel: {
            connect.whenSuccess { $0.close(promise: nil) }
            promise.succeed(.failed("cancelled"))
        }
    }
}
