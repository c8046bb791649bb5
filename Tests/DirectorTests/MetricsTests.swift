@testable import Director
import Glibc
import IPVSNetlink
import KeepalivedConfig
import Logging
import NIOPosix
import RealServerChecks
import TestSupport
import Testing

/// `GET /metrics` over HTTP from a running director over a fake kernel: the exact lines.
@Suite struct MetricsTests {
    static let configurationText = """
        virtual_server 192.0.2.10 80 {
            protocol TCP
            lvs_sched rr
            lvs_method NAT
            quorum 2
            real_server 198.51.100.1 8080 {
                weight 3
            }
            real_server 198.51.100.2 8080 {
                weight 1
            }
        }
        virtual_server fwmark 7 {
            lvs_sched wlc
            lvs_method DR
            real_server 198.51.100.4 0 {
                weight 2
            }
        }

        """

    /// ``get(port:request:)`` on NIO's thread pool: blocking socket calls on the concurrency
    /// pool (two threads here) would starve the server under test.
    static func fetch(port: Int, request: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { try get(port: port, request: request) }
    }

    /// Raw HTTP/1.1 GET on loopback; the whole response as text.
    static func get(port: Int, request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CommandError("socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw CommandError("connect: errno \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else {
            throw CommandError("send")
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received += chunk[..<n]
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// The start-up table of the configuration with counters, as the kernel would report it.
    static func kernelTable(_ configuration: KeepalivedConfiguration) -> [IPVSServiceEntry] {
        var table = InitialTable.entries(for: configuration)
        table[0].service.statistics = IPVSStatistics(connections: 12, inPackets: 340, outPackets: 300,
                                                     inBytes: 45_000, outBytes: 1_200_000)
        table[0].destinations[0].statistics = IPVSStatistics(connections: 9, inPackets: 250, outPackets: 220,
                                                             inBytes: 30_000, outBytes: 900_000)
        table[0].destinations[0].activeConnections = 2
        table[0].destinations[0].inactiveConnections = 5
        table[0].destinations[1].statistics = IPVSStatistics(connections: 3, inPackets: 90, outPackets: 80,
                                                             inBytes: 15_000, outBytes: 300_000)
        return table
    }

    static func expected(passes: Int) -> String {
        """
        # HELP lvsd_ipvs_available Whether the kernel answers IPVS requests (1) or not (0).
        # TYPE lvsd_ipvs_available gauge
        lvsd_ipvs_available 1
        # HELP lvsd_reconciler_passes_total Reconciliation passes that read the kernel.
        # TYPE lvsd_reconciler_passes_total counter
        lvsd_reconciler_passes_total \(passes)
        # HELP lvsd_reconciler_changes_applied_total Changes the reconciler applied to the kernel.
        # TYPE lvsd_reconciler_changes_applied_total counter
        lvsd_reconciler_changes_applied_total 1
        # HELP lvsd_reconciler_changes_failed_total Changes the kernel refused.
        # TYPE lvsd_reconciler_changes_failed_total counter
        lvsd_reconciler_changes_failed_total 0
        # HELP lvsd_reconciler_drift_repaired_total Changes made to repair a table changed behind the director's back.
        # TYPE lvsd_reconciler_drift_repaired_total counter
        lvsd_reconciler_drift_repaired_total 0
        # HELP lvsd_reloads_total Configuration reloads that were applied.
        # TYPE lvsd_reloads_total counter
        lvsd_reloads_total 0
        # HELP lvsd_virtual_server_quorum Whether the virtual server has its quorum (1) or not (0).
        # TYPE lvsd_virtual_server_quorum gauge
        lvsd_virtual_server_quorum{virtual_server="TCP 192.0.2.10:80"} 1
        lvsd_virtual_server_quorum{virtual_server="fwmark 7"} 1
        # HELP lvsd_virtual_server_live_weight The total weight of the real servers that are up.
        # TYPE lvsd_virtual_server_live_weight gauge
        lvsd_virtual_server_live_weight{virtual_server="TCP 192.0.2.10:80"} 3
        lvsd_virtual_server_live_weight{virtual_server="fwmark 7"} 2
        # HELP lvsd_real_server_up Whether the real server's checks pass (1) or not (0).
        # TYPE lvsd_real_server_up gauge
        lvsd_real_server_up{virtual_server="TCP 192.0.2.10:80",real_server="198.51.100.1:8080"} 1
        lvsd_real_server_up{virtual_server="TCP 192.0.2.10:80",real_server="198.51.100.2:8080"} 0
        lvsd_real_server_up{virtual_server="fwmark 7",real_server="198.51.100.4:0"} 1
        # HELP lvsd_real_server_maintenance Whether an operator disabled the real server (1).
        # TYPE lvsd_real_server_maintenance gauge
        lvsd_real_server_maintenance{virtual_server="TCP 192.0.2.10:80",real_server="198.51.100.1:8080"} 0
        lvsd_real_server_maintenance{virtual_server="TCP 192.0.2.10:80",real_server="198.51.100.2:8080"} 1
        lvsd_real_server_maintenance{virtual_server="fwmark 7",real_server="198.51.100.4:0"} 0
        # HELP lvsd_real_server_configured_weight The real server's weight in the configuration.
        # TYPE lvsd_real_server_configured_weight gauge
        lvsd_real_server_configured_weight{virtual_server="TCP 192.0.2.10:80",real_server="198.51.100.1:8080"} 3
        lvsd_real_server_configured_weight{virtual_server="TCP 192.0.2.10:80",real_server="198.51.100.2:8080"} 1
        lvsd_real_server_configured_weight{virtual_server="fwmark 7",real_server="198.51.100.4:0"} 2
        # HELP lvsd_real_server_effective_weight The real server's weight in the desired table (absent: not in the table).
        # TYPE lvsd_real_server_effective_weight gauge
        lvsd_real_server_effective_weight{virtual_server="TCP 192.0.2.10:80",real_server="198.51.100.1:8080"} 3
        lvsd_real_server_effective_weight{virtual_server="TCP 192.0.2.10:80",real_server="198.51.100.2:8080"} 0
        lvsd_real_server_effective_weight{virtual_server="fwmark 7",real_server="198.51.100.4:0"} 2
        # HELP lvsd_ipvs_service_connections_total Connections the kernel scheduled for the service.
        # TYPE lvsd_ipvs_service_connections_total counter
        lvsd_ipvs_service_connections_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80"} 12
        lvsd_ipvs_service_connections_total{virtual_server="fwmark 7",service="fwmark:7"} 0
        # HELP lvsd_ipvs_service_packets_total Packets of the service, by direction.
        # TYPE lvsd_ipvs_service_packets_total counter
        lvsd_ipvs_service_packets_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",direction="in"} 340
        lvsd_ipvs_service_packets_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",direction="out"} 300
        lvsd_ipvs_service_packets_total{virtual_server="fwmark 7",service="fwmark:7",direction="in"} 0
        lvsd_ipvs_service_packets_total{virtual_server="fwmark 7",service="fwmark:7",direction="out"} 0
        # HELP lvsd_ipvs_service_bytes_total Bytes of the service, by direction.
        # TYPE lvsd_ipvs_service_bytes_total counter
        lvsd_ipvs_service_bytes_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",direction="in"} 45000
        lvsd_ipvs_service_bytes_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",direction="out"} 1200000
        lvsd_ipvs_service_bytes_total{virtual_server="fwmark 7",service="fwmark:7",direction="in"} 0
        lvsd_ipvs_service_bytes_total{virtual_server="fwmark 7",service="fwmark:7",direction="out"} 0
        # HELP lvsd_ipvs_destination_connections_total Connections the kernel scheduled to the real server.
        # TYPE lvsd_ipvs_destination_connections_total counter
        lvsd_ipvs_destination_connections_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.1:8080"} 9
        lvsd_ipvs_destination_connections_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.2:8080"} 3
        lvsd_ipvs_destination_connections_total{virtual_server="fwmark 7",service="fwmark:7",real_server="198.51.100.4:0"} 0
        # HELP lvsd_ipvs_destination_packets_total Packets of the real server, by direction.
        # TYPE lvsd_ipvs_destination_packets_total counter
        lvsd_ipvs_destination_packets_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.1:8080",direction="in"} 250
        lvsd_ipvs_destination_packets_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.1:8080",direction="out"} 220
        lvsd_ipvs_destination_packets_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.2:8080",direction="in"} 90
        lvsd_ipvs_destination_packets_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.2:8080",direction="out"} 80
        lvsd_ipvs_destination_packets_total{virtual_server="fwmark 7",service="fwmark:7",real_server="198.51.100.4:0",direction="in"} 0
        lvsd_ipvs_destination_packets_total{virtual_server="fwmark 7",service="fwmark:7",real_server="198.51.100.4:0",direction="out"} 0
        # HELP lvsd_ipvs_destination_bytes_total Bytes of the real server, by direction.
        # TYPE lvsd_ipvs_destination_bytes_total counter
        lvsd_ipvs_destination_bytes_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.1:8080",direction="in"} 30000
        lvsd_ipvs_destination_bytes_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.1:8080",direction="out"} 900000
        lvsd_ipvs_destination_bytes_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.2:8080",direction="in"} 15000
        lvsd_ipvs_destination_bytes_total{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.2:8080",direction="out"} 300000
        lvsd_ipvs_destination_bytes_total{virtual_server="fwmark 7",service="fwmark:7",real_server="198.51.100.4:0",direction="in"} 0
        lvsd_ipvs_destination_bytes_total{virtual_server="fwmark 7",service="fwmark:7",real_server="198.51.100.4:0",direction="out"} 0
        # HELP lvsd_ipvs_destination_active_connections The real server's active connections.
        # TYPE lvsd_ipvs_destination_active_connections gauge
        lvsd_ipvs_destination_active_connections{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.1:8080"} 2
        lvsd_ipvs_destination_active_connections{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.2:8080"} 0
        lvsd_ipvs_destination_active_connections{virtual_server="fwmark 7",service="fwmark:7",real_server="198.51.100.4:0"} 0
        # HELP lvsd_ipvs_destination_inactive_connections The real server's inactive connections.
        # TYPE lvsd_ipvs_destination_inactive_connections gauge
        lvsd_ipvs_destination_inactive_connections{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.1:8080"} 5
        lvsd_ipvs_destination_inactive_connections{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.2:8080"} 0
        lvsd_ipvs_destination_inactive_connections{virtual_server="fwmark 7",service="fwmark:7",real_server="198.51.100.4:0"} 0
        # HELP lvsd_ipvs_destination_weight The real server's weight in the kernel.
        # TYPE lvsd_ipvs_destination_weight gauge
        lvsd_ipvs_destination_weight{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.1:8080"} 3
        lvsd_ipvs_destination_weight{virtual_server="TCP 192.0.2.10:80",service="tcp:192.0.2.10:80",real_server="198.51.100.2:8080"} 0
        lvsd_ipvs_destination_weight{virtual_server="fwmark 7",service="fwmark:7",real_server="198.51.100.4:0"} 2

        """
    }

    @Test func scrapeOverHTTP() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("keepalived.conf", Self.configurationText)
        let loaded = KeepalivedConfiguration.load(path: path, options: ConfigReadOptions(configID: nil))
        let configuration = try #require(loaded.configuration)
        let kernel = FakeIPVSKernel(table: Self.kernelTable(configuration))
        let director = Director(
            loaded: configuration, sources: loaded.sources,
            options: Director.Options(configurationPath: path, configID: nil,
                                      managedServicesPath: dir.path + "/managed-services",
                                      maintenancePath: dir.path + "/maintenance", resyncInterval: .seconds(3600)),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
            prober: LiveProber(group: MultiThreadedEventLoopGroup.singleton),
            openKernel: { () throws(IPVSError) -> any IPVSKernel in kernel })
        let running = Task { await director.run() }
        defer { running.cancel(); director.finish() }
        let deadline = ContinuousClock.now + .seconds(20)
        while await director.status().reconciler.passes == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        // An operator took the second real server out: weight 0 in the table.
        #expect(await director.setMaintenance(service: "tcp:192.0.2.10:80", server: "198.51.100.2:8080", true).ok)

        let collector = MetricsCollector(director: director,
                                         openKernel: { () throws(IPVSError) -> any IPVSKernel in kernel })
        let server = try await MetricsServer.bind(host: "127.0.0.1", port: 0) { await collector.exposition() }
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        let port = try #require(server.localAddress?.port)

        // The pass count moves on its own (health reports wake the director): scrape until
        // it is the same before and after, then every line is known.
        var response = "", before = -1, after = -2
        while before != after, ContinuousClock.now < deadline {
            before = await director.status().reconciler.passes
            response = try await Self.fetch(port: port, request: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            after = await director.status().reconciler.passes
        }
        let body = Self.expected(passes: after)
        #expect(response == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body)
        // Maintenance set the weight to 0 in the kernel (the one change applied); adopting the
        // table at start changed nothing.
        #expect(kernel.appliedChanges.count == 1)

        #expect(try await Self.fetch(port: port, request: "GET / HTTP/1.1\r\n\r\n")
            == "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 24\r\n"
            + "Connection: close\r\n\r\nnot found; try /metrics\n")
        #expect(try await Self.fetch(port: port, request: "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
            == "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 9\r\n"
            + "Connection: close\r\nAllow: GET\r\n\r\nGET only\n")
        #expect(try await Self.fetch(port: port, request: "nonsense\r\n\r\n")
            == "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 12\r\n"
            + "Connection: close\r\n\r\nbad request\n")
    }

    @Test func silentClientIsCutOff() async throws {
        let server = try await MetricsServer.bind(host: "127.0.0.1", port: 0, requestTimeout: .milliseconds(200)) { "" }
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        let port = try #require(server.localAddress?.port)
        // Half a request, then silence: the server closes the connection without an answer.
        #expect(try await Self.fetch(port: port, request: "GET /metr") == "")
    }

    @Test func kernelUnreadableLeavesKernelMetricsOut() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("keepalived.conf", Self.configurationText)
        let configuration = try #require(KeepalivedConfiguration.load(
            path: path, options: ConfigReadOptions(configID: nil)).configuration)
        let status = DirectorStatus(
            daemon: .init(pid: 1, configurationFile: path, uptime: 1, reloads: 2, lastRefusedReload: nil, ownership: ""),
            reconciler: .init(ipvsAvailable: false, passes: 0, lastPassAgo: nil, changesApplied: 0, changesFailed: 0,
                              driftRepaired: 0, lastError: "no IPVS", resyncInterval: 5),
            virtualServers: [], checkersNotRun: [])
        let text = MetricsExposition.render(status: status, configuration: configuration, kernel: nil)
        #expect(text.split(separator: "\n").filter { !$0.hasPrefix("#") } == [
            "lvsd_ipvs_available 0", "lvsd_reconciler_passes_total 0", "lvsd_reconciler_changes_applied_total 0",
            "lvsd_reconciler_changes_failed_total 0", "lvsd_reconciler_drift_repaired_total 0", "lvsd_reloads_total 2",
        ])
        #expect(MetricsExposition.escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
    }

    /// Split brain: each VRRP instance's count of adverts heard from another master.
    @Test func otherMasterAdvertsPerInstance() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("keepalived.conf", Self.configurationText)
        let configuration = try #require(KeepalivedConfiguration.load(
            path: path, options: ConfigReadOptions(configID: nil)).configuration)
        let status = DirectorStatus(
            daemon: .init(pid: 1, configurationFile: path, uptime: 1, reloads: 0, lastRefusedReload: nil, ownership: ""),
            reconciler: .init(ipvsAvailable: false, passes: 0, lastPassAgo: nil, changesApplied: 0, changesFailed: 0,
                              driftRepaired: 0, lastError: nil, resyncInterval: 5),
            virtualServers: [], checkersNotRun: [],
            vrrp: [.init(name: "VI_1", interface: "eth0", virtualRouterID: 51, version: 3, state: "MASTER", priority: 150,
                         otherMasterAdverts: 7),
                   .init(name: "VI_\"2", interface: "eth0", virtualRouterID: 52, version: 3, state: "BACKUP",
                         priority: 100)])
        let text = MetricsExposition.render(status: status, configuration: configuration, kernel: nil)
        #expect(text.contains("""
            # HELP lvsd_vrrp_other_master_adverts_total Adverts a VRRP instance heard from another master while MASTER (split brain).
            # TYPE lvsd_vrrp_other_master_adverts_total counter
            lvsd_vrrp_other_master_adverts_total{vrrp_instance="VI_1"} 7
            lvsd_vrrp_other_master_adverts_total{vrrp_instance="VI_\\"2"} 0

            """))
    }

    @Test(arguments: [
        ("127.0.0.1:9100", "127.0.0.1", 9100), ("[::1]:0", "::1", 0), ("0.0.0.0:65535", "0.0.0.0", 65535),
    ])
    func listenAddress(text: String, host: String, port: Int) throws {
        #expect(try MetricsListenAddress(parsing: text) == MetricsListenAddress(host: host, port: port))
    }

    @Test(arguments: [
        ("9100", "--metrics-listen 9100: expected ADDRESS:PORT"),
        ("::1:9100", "--metrics-listen ::1:9100: write an IPv6 address in brackets, [::1]:9100"),
        (":9100", "--metrics-listen :9100: the address is missing"),
        ("127.0.0.1:99999", "--metrics-listen 127.0.0.1:99999: the port must be a number from 0 to 65535"),
        ("[::1:80", "--metrics-listen [::1:80: an IPv6 address needs its closing ]"),
    ])
    func badListenAddress(text: String, message: String) {
        #expect(throws: MetricsListenAddress.ParseError(description: message)) { try MetricsListenAddress(parsing: text) }
    }
}
