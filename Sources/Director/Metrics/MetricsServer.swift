import NIOCore
import NIOPosix

/// `lvsd --metrics-listen ADDR:PORT`: a small HTTP/1.1 server answering `GET /metrics` with
/// the exposition `collect` returns, one request per connection (`Connection: close`).
///
/// Hand-written over NIO instead of swift-metrics + swift-prometheus: the metrics are
/// computed at scrape time from the director's status and a kernel dump (no metric objects to
/// keep in step with reloads), and the package needs no new dependency to build.
public struct MetricsServer: Sendable {
    private let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let collect: @Sendable () async -> String
    /// How long a connection may take to send its request and receive the answer.
    private let requestTimeout: Duration

    /// The address the server listens on (the port the kernel chose when 0 was asked).
    public var localAddress: SocketAddress? { server.channel.localAddress }

    /// Listens on `host`:`port`; ``run()`` then serves.
    public static func bind(host: String, port: Int, requestTimeout: Duration = .seconds(10),
                            collect: @escaping @Sendable () async -> String) async throws -> MetricsServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return MetricsServer(server: server, collect: collect, requestTimeout: requestTimeout)
    }

    private init(server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>,
                 collect: @escaping @Sendable () async -> String, requestTimeout: Duration) {
        self.server = server
        self.collect = collect
        self.requestTimeout = requestTimeout
    }

    /// Serves until the task is cancelled; then the listening socket is closed.
    public func run() async throws {
        let collect = self.collect
        let requestTimeout = self.requestTimeout
        try await withTaskCancellationHandler {
            try await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask {
                            // A client that never finishes its request is cut off.
                            try? await withThrowingTaskGroup(of: Void.self) { race in
                                race.addTask { try await Self.serve(connection, collect: collect) }
                                race.addTask {
                                    try await Task.sleep(for: requestTimeout)
                                    throw CancellationError()
                                }
                                try await race.next()
                                race.cancelAll()
                            }
                        }
                    }
                }
            }
        } onCancel: {
            server.channel.close(promise: nil)
        }
    }

    /// Reads one request head (8 KiB at most) and answers it.
    static func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>,
                      collect: @Sendable () async -> String) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: [UInt8] = []
            var request: MetricsRequest?
            for try await var chunk in inbound {
                head += chunk.readBytes(length: chunk.readableBytes) ?? []
                request = MetricsRequest(head: head)
                if request != nil { break }
            }
            let response: (status: String, type: String, body: String)
            switch request {
            case .metrics: response = ("200 OK", MetricsExposition.contentType, await collect())
            case .notFound: response = ("404 Not Found", "text/plain; charset=utf-8", "not found; try /metrics\n")
            case .methodNotAllowed: response = ("405 Method Not Allowed", "text/plain; charset=utf-8", "GET only\n")
            case .bad, nil: response = ("400 Bad Request", "text/plain; charset=utf-8", "bad request\n")
            }
            let body = Array(response.body.utf8)
            var text = "HTTP/1.1 \(response.status)\r\nContent-Type: \(response.type)\r\n"
            text += "Content-Length: \(body.count)\r\nConnection: close\r\n"
            if case .methodNotAllowed = request { text += "Allow: GET\r\n" }
            text += "\r\n"
            try await outbound.write(ByteBuffer(bytes: Array(text.utf8) + body))
        }
    }
}

/// What a request head asks of the metrics server: a pure reading of the bytes received so
/// far; nil while the head is incomplete.
enum MetricsRequest: Equatable {
    case metrics
    case notFound
    case methodNotAllowed
    case bad

    static let maxHeadBytes = 8192

    init?(head: [UInt8]) {
        guard let end = Self.endOfHead(head) else {
            if head.count > Self.maxHeadBytes { self = .bad; return }
            return nil
        }
        let line = head[..<(head.firstIndex(of: 0x0D) ?? end)]
        let words = line.split(separator: 0x20, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        guard words.count == 3, words[2].hasPrefix("HTTP/1.") else { self = .bad; return }
        guard words[0] == "GET" else { self = .methodNotAllowed; return }
        let path = words[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
        self = path == "/metrics" ? .metrics : .notFound
    }

    /// The offset of the blank line ending the head (`\r\n\r\n`), if received.
    static func endOfHead(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4)
        where bytes[i] == 0x0D && bytes[i + 1] == 0x0A && bytes[i + 2] == 0x0D && bytes[i + 3] == 0x0A {
            return i
        }
        return nil
    }
}
