import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// keepalived `DNS_CHECK`: one query on a connected UDP socket, judged by ``DNSCheck/judge(reply:queryID:)``
/// until a reply decides or `connect_timeout` runs out.
struct DNSProbe: Sendable {
    let group: any EventLoopGroup

    func run(_ check: DNSCheck, id: UInt16 = .random(in: .min ... .max)) async throws(CheckConfigurationError) -> ProbeOutcome {
        let address: SocketAddress
        do {
            address = try check.target.socketAddress()
        } catch {
            return .unhealthy(reason: "cannot resolve \(check.target.host): \(error)")
        }
        let source = try TCPCheck.configuredSource(bindAddress: check.bindAddress, bindPort: check.bindPort, to: check.target)
        let timeout = check.connectTimeout
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: ProbeOutcome.self)
        let query = check.query(id: id)
        let bootstrap = DatagramBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DNSProbeHandler(queryID: id, timeout: timeout, promise: promise))
                }
            }
        let connected: EventLoopFuture<any Channel>
        if let source {
            connected = bootstrap.channelOption(.socketOption(.so_reuseaddr), value: 1).bind(to: source).flatMap { channel in
                channel.connect(to: address).map { channel }
            }
        } else {
            connected = bootstrap.connect(to: address)
        }
        connected.whenComplete { result in
            switch result {
            case .success(let channel):
                channel.writeAndFlush(channel.allocator.buffer(bytes: query)).whenFailure { error in
                    promise.succeed(.unhealthy(reason: "cannot send the query: \(DNSProbe.describe(error))"))
                    channel.close(promise: nil)
                }
            case .failure(let error):
                promise.succeed(.unhealthy(reason: "cannot connect the socket: \(DNSProbe.describe(error))"))
            }
        }
        return await withTaskCancellationHandler {
            (try? await promise.futureResult.get()) ?? .unhealthy(reason: "cancelled")
        } onCancel: {
            connected.whenSuccess { $0.close(promise: nil) }
            promise.succeed(.unhealthy(reason: "cancelled"))
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? IOError { return ConnectFailure.errnoText(error.errnoCode) }
        return "\(error)"
    }
}

/// Waits for the deciding reply on a connected datagram channel. Completes `promise` exactly once
/// and closes the channel.
final class DNSProbeHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let queryID: UInt16
    private let timeout: Duration
    private let promise: EventLoopPromise<ProbeOutcome>
    private var timer: Scheduled<Void>?
    private var ignored: [String] = []
    private var done = false

    init(queryID: UInt16, timeout: Duration, promise: EventLoopPromise<ProbeOutcome>) {
        self.queryID = queryID
        self.timeout = timeout
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let limit = timeout
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(limit.secondsValue * 1e9))) {
            let (handler, context) = bound.value
            let last = handler.ignored.last.map { " (ignored: \($0))" } ?? ""
            handler.finish(.unhealthy(reason: "timeout after \(limit.humanReadable) waiting for the reply\(last)"), context: context)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = Array(unwrapInboundIn(data).data.readableBytesView)
        switch DNSCheck.judge(reply: reply, queryID: queryID) {
        case .ignore(let why): ignored.append(why)
        case .pass: finish(.healthy, context: context)
        case .fail(let reason): finish(.unhealthy(reason: reason), context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.unhealthy(reason: "receive failed: \(DNSProbe.describe(error))"), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.unhealthy(reason: "socket closed"), context: context)
        context.fireChannelInactive()
    }

    private func finish(_ outcome: ProbeOutcome, context: ChannelHandlerContext) {
        guard !done else { return }
        done = true
        timer?.cancel()
        promise.succeed(outcome)
        context.close(promise: nil)
    }
}

extension DNSCheck {
    /// keepalived `dns_make_query`: the query with this ID.
    func query(id: UInt16) -> [UInt8] {
        DNSMessage(header: DNSHeader(id: id, flags: DNSHeader.recursionDesiredBit),
                   questions: [DNSQuestion(name: name, type: type)]).encode()
    }

    /// What a reply does to the check (keepalived `dns_recv_thread`).
    enum ReplyVerdict: Hashable, Sendable {
        /// Not the reply: keep waiting.
        case ignore(String)
        case pass
        case fail(String)
    }

    /// Judges one datagram: shorter than a header, another ID, or not a response is ignored;
    /// then RCODE 0 passes and any other RCODE fails.
    static func judge(reply: [UInt8], queryID: UInt16) -> ReplyVerdict {
        guard let header = DNSHeader.decode(prefixOf: reply) else {
            return .ignore("a datagram of \(reply.count) bytes, shorter than a DNS header")
        }
        guard header.id == queryID else {
            return .ignore("a reply with ID \(header.id), not \(queryID)")
        }
        guard header.isResponse else { return .ignore("a message without QR") }
        guard header.responseCode == 0 else {
            return .fail("reply with RCODE \(header.responseCode) (\(DNSHeader.describe(responseCode: header.responseCode)))")
        }
        return .pass
    }
}
