import NIOCore
import NIOPosix
import Synchronization

/// Small purpose-built servers on 127.0.0.1 that misbehave in one way each.
enum Fault: String, CaseIterable, Sendable {
    /// Accepts, then closes at once.
    case acceptThenClose
    /// Sends half a status line and headers, then closes.
    case halfResponse
    /// Sends bytes that are not HTTP.
    case garbage
    /// A valid header, then body bytes forever.
    case endlessBody
    /// Headers forever (never the blank line).
    case endlessHeaders
    /// Accepts and never answers.
    case silent
    /// Answers 200 after 3 s.
    case slow
    /// Promises 100 body bytes, sends 10, closes.
    case truncatedBody
}

final class FaultServer: Sendable {
    let channel: any Channel
    var port: Int { channel.localAddress!.port! }

    init(_ fault: Fault, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FaultHandler(fault))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func close() async {
        try? await channel.close()
    }
}

private final class FaultHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let fault: Fault
    var streaming = false

    init(_ fault: Fault) { self.fault = fault }

    func channelActive(context: ChannelHandlerContext) {
        switch fault {
        case .acceptThenClose: context.close(promise: nil)
        default: break  // the others answer the request
        }
    }

    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        answered = true
        switch fault {
        case .acceptThenClose:
            break
        case .halfResponse:
            send("HTTP/1.1 200 OK\r\nContent-Le", context: context)
            context.close(promise: nil)
        case .garbage:
            send("\u{1}\u{2}SSH-2.0-nonsense\r\n\r\n", context: context)
        case .endlessBody:
            send("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n", context: context)
            streaming = true
            pump(context: context)
        case .endlessHeaders:
            send("HTTP/1.0 200 OK\r\n", context: context)
            streaming = true
            pump(context: context)
        case .silent:
            break
        case .slow:
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .seconds(3)) {
                let (handler, context) = bound.value
                handler.send("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n", context: context)
                context.close(promise: nil)
            }
        case .truncatedBody:
            send("HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", context: context)
            context.close(promise: nil)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if streaming { pump(context: context) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        streaming = false
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        streaming = false
    }

    private func pump(context: ChannelHandlerContext) {
        let line = fault == .endlessHeaders ? "X-Filler: 0123456789abcdef0123456789abcdef\r\n" : String(repeating: "x", count: 8191) + "\n"
        while streaming && context.channel.isActive && context.channel.isWritable {
            var buffer = context.channel.allocator.buffer(capacity: line.utf8.count)
            buffer.writeString(line)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }

    private func send(_ text: String, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }
}
