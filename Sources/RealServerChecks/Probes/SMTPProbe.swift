import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// keepalived `SMTP_CHECK`: one ``SMTPConversation`` over a TCP connection, each step bounded by
/// `connect_timeout`.
struct SMTPProbe: Sendable {
    let group: any EventLoopGroup

    func run(_ check: SMTPCheck) async throws(CheckConfigurationError) -> ProbeOutcome {
        try SMTPCheck.validate(heloName: check.heloName)
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
        var bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(Int64(timeout.secondsValue * 1e9)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = SMTPProbeHandler(
                        conversation: SMTPConversation(heloName: check.heloName), timeout: timeout, promise: promise)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        if let source {
            bootstrap = bootstrap.channelOption(.socketOption(.so_reuseaddr), value: 1).bind(to: source)
        }
        let connect = bootstrap.connect(to: address)
        connect.whenFailure { error in
            promise.succeed(.unhealthy(reason: ConnectFailure.reason(error, timeout: timeout)))
        }
        return await withTaskCancellationHandler {
            (try? await promise.futureResult.get()) ?? .unhealthy(reason: "cancelled")
        } onCancel: {
            connect.whenSuccess { $0.close(promise: nil) }
            promise.succeed(.unhealthy(reason: "cancelled"))
        }
    }
}

/// Carries out the actions of an ``SMTPConversation`` on a channel: writes, one timer per step,
/// and the verdict. Completes `promise` exactly once and closes the channel.
final class SMTPProbeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var conversation: SMTPConversation
    private let timeout: Duration
    private let promise: EventLoopPromise<ProbeOutcome>
    private var timer: Scheduled<Void>?
    private var done = false

    init(conversation: SMTPConversation, timeout: Duration, promise: EventLoopPromise<ProbeOutcome>) {
        self.conversation = conversation
        self.timeout = timeout
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        startTimer(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        perform(conversation.receive(buffer.readableBytesView), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(conversation.endOfStream(), context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? IOError, error.errnoCode == ECONNRESET {
            perform(conversation.endOfStream(), context: context)
        } else if let error = error as? IOError {
            finish(.unhealthy(reason: "read failed: \(ConnectFailure.errnoText(error.errnoCode))"), context: context)
        } else {
            finish(.unhealthy(reason: "\(error)"), context: context)
        }
    }

    private func perform(_ actions: [SMTPConversation.Action], context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case .send(let bytes):
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
            case .startStep:
                startTimer(context: context)
            case .succeed:
                finish(.healthy, context: context)
            case .fail(let reason):
                finish(.unhealthy(reason: reason), context: context)
            }
        }
    }

    private func startTimer(context: ChannelHandlerContext) {
        timer?.cancel()
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let limit = timeout
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(limit.secondsValue * 1e9))) {
            let (handler, context) = bound.value
            handler.perform(handler.conversation.timeOut(after: limit), context: context)
        }
    }

    private func finish(_ outcome: ProbeOutcome, context: ChannelHandlerContext) {
        guard !done else { return }
        done = true
        timer?.cancel()
        promise.succeed(outcome)
        context.close(promise: nil)
    }
}
