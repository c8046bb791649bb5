import NIOCore
import NIOPosix
import Synchronization

/// A UDP server on loopback for UDP_CHECK tests: records every datagram it receives and answers
/// each with `reply`, or stays silent when `reply` is nil.
final class UDPResponder: Sendable {
    let channel: any Channel
    let port: Int
    private let recorder = Recorder()

    private final class Recorder: Sendable {
        let datagrams = Mutex<[[UInt8]]>([])
    }

    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let reply: [UInt8]?
        let recorder: Recorder
        init(reply: [UInt8]?, recorder: Recorder) {
            self.reply = reply
            self.recorder = recorder
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            recorder.datagrams.withLock { $0.append(Array(envelope.data.readableBytesView)) }
            guard let reply else { return }
            let buffer = context.channel.allocator.buffer(bytes: reply)
            context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
        }
    }

    init(host: String = "127.0.0.1", reply: [UInt8]?) async throws {
        let recorder = self.recorder
        channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(reply: reply, recorder: recorder))
                }
            }
            .bind(host: host, port: 0).get()
        port = channel.localAddress!.port!
    }

    /// The datagrams received so far.
    var datagrams: [[UInt8]] { recorder.datagrams.withLock { $0 } }

    func close() async throws {
        try await channel.close()
    }
}
