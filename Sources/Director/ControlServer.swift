import FoundationEssentials
import Glibc
import Logging
import NIOCore
import NIOPosix

/// The director's control socket: a Unix stream socket (default `/run/lvsd/lvsd.sock`,
/// mode 0600, so root only; mode 0660 and owned by ``group`` when one is given: lvsd's
/// `--control-group`) answering ``ControlRequest``s with ``ControlResponse``s, one per
/// connection. `lvsctl status`, `lvsctl reload`, `lvsctl server disable|enable` and
/// `lvsctl check-now` talk to it through ``ControlClient``.
public struct ControlServer: Sendable {
    public var path: String
    /// The group whose members may use the socket too; nil: root only.
    public var group: ControlSocketGroup?
    /// The largest request read; a client sending more is answered with an error.
    public static let requestLimit = 64 * 1024

    public init(path: String, group: ControlSocketGroup? = nil) {
        self.path = path
        self.group = group
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
        // Bound under a staging name and renamed once its owner and mode are set, so that a
        // client that finds the socket finds it with its final permissions.
        let staging = path + ".new"
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(unixDomainSocketPath: staging, cleanupExistingSocketFile: true) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        func giveUp(_ what: String, _ error: Int32) async -> Failure {
            try? await server.channel.close()
            unlink(staging)
            return Failure(description: "\(what): \(String(cString: strerror(error)))")
        }
        if let group {
            // The group first, then the mode: no moment where another group may connect.
            if chown(staging, uid_t.max, gid_t(group.id)) != 0 || chmod(staging, 0o660) != 0 {
                throw await giveUp("cannot give the control socket \(path) to group \(group.name)", errno)
            }
        } else if chmod(staging, 0o600) != 0 {
            throw await giveUp("cannot make the control socket \(path) root-only", errno)
        }
        if rename(staging, path) != 0 {
            throw await giveUp("cannot move the control socket to \(path)", errno)
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

/// The group that may use the control socket besides root (lvsd's `--control-group`).
public struct ControlSocketGroup: Sendable, Hashable {
    /// As the operator wrote it (a name, or a number).
    public var name: String
    /// The group id (`gid_t`).
    public var id: UInt32

    /// A group already looked up.
    public init(name: String, id: UInt32) {
        self.name = name
        self.id = id
    }

    /// No group has this name (and it is not a number).
    public struct UnknownGroup: Error, Sendable, CustomStringConvertible, Equatable {
        public var name: String
        public init(name: String) { self.name = name }
        public var description: String { "no group named '\(name)'" }
    }

    /// Looks a group up by name in the group database (`getgrnam`), or takes a number as the
    /// group id, as `chown :GROUP` does.
    public init(resolving name: String) throws(UnknownGroup) {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        if getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, let found = result {
            self.init(name: name, id: found.pointee.gr_gid)
        } else if let number = UInt32(name) {
            self.init(name: name, id: number)
        } else {
            throw UnknownGroup(name: name)
        }
    }
}
