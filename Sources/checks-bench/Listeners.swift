import NIOCore
import NIOPosix

/// The loopback listeners the TCP benchmark probes: `addresses` x `ports` sockets on 127.0.1.x,
/// accepting and closing every connection. They run in a child process so that the benchmark's
/// CPU figures are the checker's alone.
enum Listeners {
    static func targets(addresses: Int, ports: Int, basePort: Int) -> [(String, Int)] {
        var targets: [(String, Int)] = []
        for a in 0..<addresses {
            for p in 0..<ports {
                targets.append(("127.0.\(1 + a / 250).\(1 + a % 250)", basePort + p))
            }
        }
        return targets
    }

    /// One listener on every address (0.0.0.0) at `port`, accepting and closing every
    /// connection, until killed: with `ip route add local PREFIX dev lo` it answers for a
    /// whole range of real server addresses (the director benchmark in the VM).
    static func serveAny(port: Int) async throws -> Never {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in channel.close() }
            .bind(host: "0.0.0.0", port: port).get()
        print("ready \(channel.localAddress.map { "\($0)" } ?? "?")")
        while true { try await Task.sleep(for: .seconds(3600)) }
    }

    /// Serves until killed.
    static func serve(addresses: Int, ports: Int, basePort: Int) async throws -> Never {
        raiseFileLimit()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.close()
            }
        var channels: [any Channel] = []
        for (host, port) in targets(addresses: addresses, ports: ports, basePort: basePort) {
            channels.append(try await bootstrap.bind(host: host, port: port).get())
        }
        print("ready \(channels.count)")
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}
