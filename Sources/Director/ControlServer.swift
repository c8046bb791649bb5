import FoundationEssentials
import Glibc
import Logging
import NIOCore
import NIOPosix

/// The director's control socket: a Unix stream socket (default `/run/lvsd/lvsd.sock`,
/// mode 0600, so root only) answering ``ControlRequest``s with ``ControlResponse``s, one
/// per connection. `lvsctl status`, `lvsctl reload` and `lvsctl server disable|enable`
/// talk to it through ``ControlClient``.
public struct ControlServer: Sendable {
    public var path: String
    /// The largest request read; a client sending more is answered with an error.
    public static let requestLimit = 64 * 1024

    public init(path: String) {
        self.path = path
    }

    /// A problem setting up the socket, with the errno where there is one.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Serves until the calling task is cancelled; removes the socket file when it ends.
    public func run(logger: Logger, handler: @escaping @Sendable (ControlRequest) async -> ControlResponse) async throws {
        if let (directory, error) = StateFile.createParentDirectory(of: path) {
            throw Failure(description: "cannot create \(directory): \(String(cString: strerror(error)))")
        }
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        if chmod(path, 0o600) != 0 {
            logger.error("cannot make the control socket root-only", metadata: ["path": "\(path)"])
        }
        defer { unlink(path) }
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask {
                        do {
                            try await Self.serve(connection, handler: handler)
                        } catch {
                            logger.debug("control connection failed", metadata: ["error": "\(error)"])
                        }
                    }
                }
            }
        }
    }

    private static func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>,
                              handler: @Sendable (ControlRequest) async -> ControlResponse) async throws {
        try await connection.executeThenClose { inbound, _ in
            var request = ByteBuffer()
            var tooLong = false
            for try await chunk in inbound {
                if request.readableBytes + chunk.readableBytes > requestLimit {
                    tooLong = true
                    break
                }
                request.writeImmutableBuffer(chunk)
            }
            let response: ControlResponse
            if tooLong {
                response = ControlResponse(ok: false, error: "request longer than \(requestLimit) bytes")
            } else {
                do {
                    let decoded = try JSONDecoder().decode(ControlRequest.self, from: Data(request.readableBytesView))
                    response = await handler(decoded)
                } catch {
                    response = ControlResponse(ok: false, error: "not a control request: \(error)")
                }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var bytes = try encoder.encode(response)
            bytes.append(0x0A)
            // The writer's `write` returns once the bytes are queued, and closing the channel
            // drops what the socket has not taken yet: an answer larger than the socket
            // buffers (a status of thousands of real servers) was cut. The channel's own
            // write completes when the last byte is in the kernel.
            try await connection.channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
        }
    }
}
