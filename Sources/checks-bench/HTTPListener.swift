import NIOCore
import NIOPosix

/// The trivial HTTP server of the director benchmark's HTTP_GET case: on every address at
/// `port`, it reads the request up to its blank line, answers `200 OK` with the body "ok\n"
/// and a `Content-Length`, and closes. keepalived and lvsd check the same server.
enum HTTPListener {
    static let response: [UInt8] = Array("HTTP/1.0 200 OK\r\nContent-Length: 3\r\nContent-Type: text/plain\r\n\r\nok\n".utf8)

    static func serve(port: Int) async throws -> Never {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Answer())
                }
            }
            .bind(host: "0.0.0.0", port: port).get()
        print("ready \(channel.localAddress.map { "\($0)" } ?? "?")")
        while true { try await Task.sleep(for: .seconds(3600)) }
    }

    /// Waits for the end of the request headers, then answers once and closes.
    final class Answer: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var tail: [UInt8] = []
        private var answered = false

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !answered else { return }
            let buffer = unwrapInboundIn(data)
            tail += buffer.readableBytesView
            guard tail.count >= 4, tail.suffix(4).elementsEqual("\r\n\r\n".utf8) else {
                if tail.count > 8192 { context.close(promise: nil) }
                return
            }
            answered = true
            var out = context.channel.allocator.buffer(capacity: HTTPListener.response.count)
            out.writeBytes(HTTPListener.response)
            // The flush writes the 70 bytes at once on a fresh loopback socket, before the close.
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
            context.close(promise: nil)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
