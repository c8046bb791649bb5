import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends one GET and feeds the response into an ``HTTPResponseEvaluator`` until it decides.
/// Completes `promise` exactly once and closes the channel.
final class HTTPProbeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let request: [UInt8]
    private var evaluator: HTTPResponseEvaluator
    private let promise: EventLoopPromise<HTTPExchangeResult>
    private var done = false

    init(request: [UInt8], evaluator: HTTPResponseEvaluator, promise: EventLoopPromise<HTTPExchangeResult>) {
        self.request = request
        self.evaluator = evaluator
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: request.count)
        buffer.writeBytes(request)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        let buffer = unwrapInboundIn(data)
        let verdict = buffer.withUnsafeReadableBytes { evaluator.feed($0) }
        if let verdict { finish(.verdict(verdict), context: context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done { finish(.verdict(evaluator.endOfStream()), context: context) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !done else { return }
        if let error = error as? NIOSSLError {
            finish(.failed("TLS handshake failed: \(error)"), context: context)
        } else if let error = error as? BoringSSLError {
            finish(.failed("TLS error: \(error)"), context: context)
        } else if let error = error as? IOError, error.errnoCode == ECONNRESET {
            // The peer closed without reading our request: judge what arrived, like a close.
            finish(.verdict(evaluator.endOfStream()), context: context)
        } else if let error = error as? IOError {
            finish(.failed("read failed: \(ConnectFailure.errnoText(error.errnoCode))"), context: context)
        } else {
            finish(.failed("\(error)"), context: context)
        }
    }

    /// Fails the exchange with `reason` (the timeout) unless it already finished.
    func timeOut(_ reason: String, context: ChannelHandlerContext) {
        finish(.failed(reason), context: context)
    }

    private func finish(_ result: HTTPExchangeResult, context: ChannelHandlerContext?) {
        guard !done else { return }
        done = true
        promise.succeed(result)
        context?.close(promise: nil)
    }
}

/// The outcome of one GET exchange.
enum HTTPExchangeResult: Sendable {
    case verdict(HTTPResponseEvaluator.Verdict)
    case failed(String)
}
