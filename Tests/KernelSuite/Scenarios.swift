#if canImport(Glibc)
import Glibc
#endif
import IPVSNetlink

/// One kernel scenario: starts from an empty table, runs, and leaves the state
/// to be compared with what `ipvsadm -Sn` prints.
struct Scenario: Sendable {
    var name: String
    var body: @Sendable (IPVSHandle) throws -> Void
}

/// Schedulers whose modules this kernel ships (twos is absent from Debian's 6.1).
func availableSchedulers() -> [Scheduler] {
    let release = shell("uname -r").output.trimmingWhitespace
    return Scheduler.kernelSchedulers.filter { scheduler in
        shell("find /lib/modules/\(release) -name 'ip_vs_\(scheduler.rawValue).ko*' | grep -q .").status == 0
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}

let scenarios: [Scenario] = [
    Scenario(name: "every protocol x scheduler x address family") { h in
        let schedulers = availableSchedulers()
        try expect(schedulers.count >= 13, "expected at least 13 scheduler modules, found \(schedulers)")
        var expected: [IPVSServiceEntry] = []
        var port: UInt16 = 1000
        for proto in IPProtocol.allCases {
            for scheduler in schedulers {
                for family in AddressFamily.allCases {
                    port += 1
                    let vip = family == .inet ? v4("10.1.0.1") : IPAddress("2001:db8::1")!
                    let rip1 = family == .inet ? v4("10.1.1.1") : IPAddress("2001:db8:1::1")!
                    let rip2 = family == .inet ? v4("10.1.1.2") : IPAddress("2001:db8:1::2")!
                    let service = IPVSService(key: .address(proto, vip, port: port), scheduler: scheduler)
                    let dests = [IPVSDestination(address: rip1, port: 80, forwarding: .masquerade, weight: 3),
                                 IPVSDestination(address: rip2, port: 8080, forwarding: .route, weight: 1)]
                    try h.addService(service)
                    for d in dests { try h.addDestination(d, to: service.key) }
                    expected.append(IPVSServiceEntry(service: service, destinations: dests))
                    try expectEqual(try h.service(service.key).configuration, service, "get \(service.key)")
                }
            }
        }
        try expectTable(h, expected, "after adding \(expected.count) services")
    },

    Scenario(name: "forwarding methods and tunnel types") { h in
        let key = tcp("10.2.0.1", 80)
        try h.addService(IPVSService(key: key, scheduler: .roundRobin))
        let methods: [ForwardingMethod] = [
            .masquerade, .route, .ipip,
            .tunnel(TunnelOptions(kind: .gue, port: 6080, checksum: .none)),
            .tunnel(TunnelOptions(kind: .gue, port: 6081, checksum: .csum)),
            .tunnel(TunnelOptions(kind: .gue, port: 6082, checksum: .remoteChecksum)),
            .tunnel(TunnelOptions(kind: .gre, checksum: .none)),
            .tunnel(TunnelOptions(kind: .gre, checksum: .csum)),
        ]
        var dests: [IPVSDestination] = []
        for (i, method) in methods.enumerated() {
            let d = IPVSDestination(address: v4("10.2.1.\(i + 1)"), port: 80, forwarding: method, weight: UInt32(i))
            try h.addDestination(d, to: key)
            dests.append(d)
        }
        // An IPv6 real server behind an IPv4 service: only tunnelling mixes families.
        let mixed = IPVSDestination(address: IPAddress("2001:db8:2::1")!, port: 80, forwarding: .ipip, weight: 1)
        try h.addDestination(mixed, to: key)
        dests.append(mixed)
        try expectError(.invalidArgument, errno: EINVAL, "masquerade to another family") {
            try h.addDestination(IPVSDestination(address: IPAddress("2001:db8:2::2")!, port: 80,
                                                 forwarding: .masquerade), to: key)
        }
        // Local (IP_VS_CONN_F_LOCALNODE) is stored as given; a director address
        // with Route stays Route (6.1 decides local delivery when forwarding).
        for d in [IPVSDestination(address: v4("127.0.0.1"), port: 80, forwarding: .local, weight: 1),
                  IPVSDestination(address: v4("127.0.0.1"), port: 81, forwarding: .route, weight: 1)] {
            try h.addDestination(d, to: key)
            dests.append(d)
        }
        try expectTable(h, [IPVSServiceEntry(service: IPVSService(key: key, scheduler: .roundRobin), destinations: dests)],
                        "forwarding methods")
    },

    Scenario(name: "firewall-mark services, IPv4 and IPv6") { h in
        let s4 = IPVSService(key: .firewallMark(1, family: .inet), scheduler: .weightedRoundRobin)
        let s6 = IPVSService(key: .firewallMark(1, family: .inet6), scheduler: .leastConnection)
        let s7 = IPVSService(key: .firewallMark(0xFFFF_FFFF, family: .inet))
        let d4 = IPVSDestination(address: v4("10.3.1.1"), port: 0, forwarding: .route, weight: 5)
        let d6 = IPVSDestination(address: IPAddress("2001:db8:3::1")!, port: 443, forwarding: .masquerade, weight: 2)
        for s in [s4, s6, s7] { try h.addService(s) }
        try h.addDestination(d4, to: s4.key)
        try h.addDestination(d6, to: s6.key)
        try expectTable(h, [IPVSServiceEntry(service: s4, destinations: [d4]),
                            IPVSServiceEntry(service: s6, destinations: [d6]),
                            IPVSServiceEntry(service: s7, destinations: [])], "fwmark services")
    },

    Scenario(name: "persistence with netmasks, one-packet, sip engine") { h in
        let services = [
            IPVSService.persistent(tcp("10.4.0.1", 443), scheduler: .roundRobin, timeout: 360),
            IPVSService.persistent(tcp("10.4.0.2", 443), timeout: 60, netmask: .ipv4(v4("255.255.255.0"))),
            IPVSService.persistent(.address(.tcp, IPAddress("2001:db8:4::1")!, port: 443), timeout: 7200,
                                   netmask: .ipv6(prefixLength: 64)),
            IPVSService.persistent(.firewallMark(4, family: .inet), timeout: 1, netmask: .ipv4(v4("255.255.0.0"))),
            IPVSService(key: .address(.udp, v4("10.4.0.3"), port: 53), scheduler: .sourceHashing, flags: .onePacket),
            IPVSService(key: .address(.udp, v4("10.4.0.4"), port: 5060), scheduler: .roundRobin,
                        flags: .persistent, timeout: 30, persistenceEngine: "sip"),
        ]
        for s in services { try h.addService(s) }
        try expectTable(h, services.map { IPVSServiceEntry(service: $0, destinations: []) }, "persistence")
    },

    Scenario(name: "scheduler flags") { h in
        let services = [
            IPVSService(key: tcp("10.5.0.1", 80), scheduler: .sourceHashing, flags: [.shFallback, .shPort]),
            IPVSService(key: tcp("10.5.0.2", 80), scheduler: .sourceHashing, flags: .shPort),
            IPVSService(key: tcp("10.5.0.3", 80), scheduler: .maglevHashing, flags: [.mhFallback, .mhPort]),
            IPVSService(key: tcp("10.5.0.4", 80), scheduler: .roundRobin,
                        flags: [.schedulerFlag1, .schedulerFlag2, .schedulerFlag3]),
        ]
        for s in services { try h.addService(s) }
        try expectTable(h, services.map { IPVSServiceEntry(service: $0, destinations: []) }, "scheduler flags")
    },

    Scenario(name: "thresholds and weight 0") { h in
        let key = tcp("10.6.0.1", 80)
        try h.addService(IPVSService(key: key))
        let dests = [
            IPVSDestination(address: v4("10.6.1.1"), port: 80, forwarding: .route, weight: 0),
            IPVSDestination(address: v4("10.6.1.2"), port: 80, forwarding: .route, weight: 65535,
                            upperThreshold: 1000, lowerThreshold: 800),
            IPVSDestination(address: v4("10.6.1.3"), port: 80, forwarding: .masquerade, weight: 1, upperThreshold: 7),
        ]
        for d in dests { try h.addDestination(d, to: key) }
        try expectTable(h, [IPVSServiceEntry(service: IPVSService(key: key), destinations: dests)], "thresholds")
    },

    Scenario(name: "update service and destination") { h in
        let key = tcp("10.7.0.1", 80)
        var service = IPVSService(key: key, scheduler: .roundRobin)
        var dest = IPVSDestination(address: v4("10.7.1.1"), port: 80, forwarding: .route, weight: 1)
        try h.addService(service)
        try h.addDestination(dest, to: key)
        service.scheduler = .weightedLeastConnection
        service.flags = .persistent
        service.timeout = 120
        service.netmask = .ipv4(v4("255.255.255.128"))
        try h.updateService(service)
        dest.weight = 0
        dest.forwarding = .masquerade
        dest.upperThreshold = 10
        try h.updateDestination(dest, in: key)
        try expectTable(h, [IPVSServiceEntry(service: service, destinations: [dest])], "after edits")
        try h.deleteDestination(address: dest.address, port: dest.port, from: key)
        try expectEqual(try h.destinations(of: key), [], "destinations after delete")
        try h.deleteService(key)
        try expectEqual(try h.services(), [], "services after delete")
    },

    Scenario(name: "global timeouts") { h in
        let before = try h.timeouts()
        try expectEqual(before, IPVSTimeouts(tcp: 900, tcpFin: 120, udp: 300), "default timeouts")
        try h.setTimeouts(IPVSTimeouts(tcp: 1000, tcpFin: 0, udp: 200))
        try expectEqual(try h.timeouts(), IPVSTimeouts(tcp: 1000, tcpFin: 120, udp: 200), "0 leaves tcpfin unchanged")
        let text = try mustRun("ipvsadm -L --timeout")
        try expectEqual(text, "Timeout (tcp tcpfin udp): 1000 120 200\n", "ipvsadm -L --timeout")
        try h.setTimeouts(before)
        try expectEqual(try h.timeouts(), before, "restored timeouts")
    },

    Scenario(name: "connection sync daemon start, list, stop") { h in
        try mustRun("/usr/sbin/ip link add sync0 type veth peer name sync1 && /usr/sbin/ip link set sync0 up && /usr/sbin/ip link set sync1 up")
        defer { _ = shell("/usr/sbin/ip link del sync0") }
        try expectEqual(try h.daemons(), [], "no daemons at start")
        try h.startDaemon(IPVSSyncDaemon(role: .master, interface: "sync0", syncID: 7))
        try h.startDaemon(IPVSSyncDaemon(role: .backup, interface: "sync1", syncID: 9, maxLength: 1400,
                                         group: v4("239.1.2.3"), port: 8850, ttl: 3))
        try expectError(.exists, errno: EEXIST, "second master") {
            try h.startDaemon(IPVSSyncDaemon(role: .master, interface: "sync0", syncID: 1))
        }
        let daemons = try h.daemons().sorted { $0.role.rawValue < $1.role.rawValue }
        try expectEqual(daemons.map(\.role), [.master, .backup], "daemon roles")
        try expectEqual(daemons.map(\.interface), ["sync0", "sync1"], "daemon interfaces")
        try expectEqual(daemons.map(\.syncID), [7, 9], "daemon sync ids")
        try expectEqual(daemons[1].group, v4("239.1.2.3"), "backup group")
        try expectEqual(daemons[1].port, 8850, "backup port")
        try expectEqual(daemons[1].ttl, 3, "backup ttl")
        try expectEqual(daemons[1].maxLength, 1400, "backup maxlen")
        let listed = try mustRun("ipvsadm -L --daemon")
        // The kernel fills in its defaults for what the master was started without.
        try expectEqual(daemons[0].maxLength, 1472, "master default maxlen")
        try expectEqual(daemons[0].group, v4("224.0.0.81"), "master default group")
        try expectEqual(daemons[0].port, 8848, "master default port")
        try expectEqual(daemons[0].ttl, 1, "master default ttl")
        try expectEqual(listed, """
            master sync daemon (mcast=sync0, syncid=7, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)
            backup sync daemon (mcast=sync1, syncid=9, maxlen=1400, group=239.1.2.3, port=8850, ttl=3)

            """, "ipvsadm -L --daemon")
        try h.stopDaemon(.master)
        try h.stopDaemon(.backup)
        try expectEqual(try h.daemons(), [], "no daemons after stop")
        try expectError(.notFound, errno: ESRCH, "stopping a stopped daemon") { try h.stopDaemon(.master) }
        // An IPv6 multicast group.
        try mustRun("/usr/sbin/ip -6 addr add 2001:db8:5::1/64 dev sync0 nodad")
        let v6 = IPVSSyncDaemon(role: .master, interface: "sync0", syncID: 11, maxLength: 1200,
                                group: IPAddress("ff15::1:2")!, port: 8900, ttl: 5)
        try h.startDaemon(v6)
        try expectEqual(try h.daemons(), [v6], "IPv6 group daemon")
        try expectEqual(try mustRun("ipvsadm -L --daemon"),
                        "master sync daemon (mcast=sync0, syncid=11, maxlen=1200, group=ff15::1:2, port=8900, ttl=5)\n",
                        "ipvsadm -L --daemon with an IPv6 group")
        try h.stopDaemon(.master)
    },

    Scenario(name: "statistics from real traffic, zero one service, zero all") { h in
        // A client namespace reaches two VIPs on the director over a veth pair;
        // each VIP's real server is the director itself (Local), where busybox
        // httpd answers.
        try mustRun("""
            /usr/sbin/ip netns add client && /usr/sbin/ip link add vc0 type veth peer name vc1 netns client && \
            /usr/sbin/ip addr add 10.8.0.1/24 dev vc0 && /usr/sbin/ip addr add 10.8.0.2/24 dev vc0 && \
            /usr/sbin/ip link set vc0 up && \
            /usr/sbin/ip -n client addr add 10.8.0.100/24 dev vc1 && /usr/sbin/ip -n client link set vc1 up && \
            /usr/sbin/ip -n client link set lo up && mkdir -p /tmp/www && echo hello > /tmp/www/index.html && \
            (busybox httpd -p 10.8.0.1:80 -h /tmp/www; busybox httpd -p 10.8.0.2:80 -h /tmp/www)
            """)
        defer { _ = shell("ps | awk '/httpd -p/ && !/awk/ {print $1}' | xargs -r kill; /usr/sbin/ip netns del client; /usr/sbin/ip link del vc0") }
        let a = tcp("10.8.0.1", 80), b = tcp("10.8.0.2", 80)
        try h.addService(IPVSService(key: a, scheduler: .roundRobin))
        try h.addService(.persistent(b, scheduler: .roundRobin, timeout: 300))
        for key in [a, b] {
            guard case .address(_, let vip, _) = key else { continue }
            try h.addDestination(IPVSDestination(address: vip, port: 80, forwarding: .route), to: key)
        }
        // busybox's static wget crashes inside `ip netns exec`; nc speaks HTTP/1.0 fine.
        for vip in ["10.8.0.1", "10.8.0.1", "10.8.0.2"] {
            let reply = try mustRun("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | /usr/sbin/ip netns exec client busybox nc -w 5 \(vip) 80")
            try expect(reply.hasPrefix("HTTP/1.1 200 OK") && reply.hasSuffix("\r\n\r\nhello\n"), "reply from \(vip) through IPVS: \(reply)")
        }
        // Counters reach the totals the kernel reports when its estimator runs
        // (every 2 s on 6.1), for ipvsadm as for us.
        sleep(3)
        let sa = try h.service(a).statistics, sb = try h.service(b).statistics
        try expectEqual(sa.connections, 2, "connections to a")
        try expectEqual(sb.connections, 1, "connections to b")
        try expect(sa.inPackets >= 6 && sa.inBytes > 0, "a counted packets and bytes: \(sa)")
        let da = try h.destinations(of: a)[0]
        try expectEqual(da.statistics.connections, 2, "destination connections")
        try expect(da.activeConnections + da.inactiveConnections >= 1, "destination connection entries: \(da)")
        try expectEqual(da.persistentConnections, 0, "no persistence templates on a")
        let db = try h.destinations(of: b)[0]
        try expectEqual(db.persistentConnections, 1, "one persistence template on b")
        try h.zero(a)
        try expectEqual(try h.service(a).statistics.connections, 0, "a zeroed")
        try expectEqual(try h.destinations(of: a)[0].statistics.connections, 0, "a's destination zeroed")
        try expectEqual(try h.service(b).statistics.connections, 1, "b untouched by zeroing a")
        try h.zero()
        try expectEqual(try h.service(b).statistics.inPackets, 0, "b zeroed by zero all")
    },

    Scenario(name: "errors keep errno and meaning") { h in
        let key = tcp("10.9.0.1", 80)
        let dest = IPVSDestination(address: v4("10.9.1.1"), port: 80)
        try h.addService(IPVSService(key: key))
        try h.addDestination(dest, to: key)
        let before = try h.table()
        try expectError(.exists, errno: EEXIST, "add existing service") { try h.addService(IPVSService(key: key)) }
        try expectError(.exists, errno: EEXIST, "add existing destination") { try h.addDestination(dest, to: key) }
        try expectError(.noSuchService, errno: ESRCH, "delete missing service") { try h.deleteService(tcp("10.9.0.2", 80)) }
        try expectError(.noSuchService, errno: ESRCH, "edit missing service") {
            try h.updateService(IPVSService(key: tcp("10.9.0.2", 80)))
        }
        try expectError(.noSuchService, errno: ESRCH, "get missing service") { _ = try h.service(tcp("10.9.0.2", 80)) }
        try expectError(.noSuchService, errno: ESRCH, "list destinations of missing service") {
            _ = try h.destinations(of: tcp("10.9.0.2", 80))
        }
        try expectError(.noSuchService, errno: ESRCH, "add destination to missing service") {
            try h.addDestination(dest, to: tcp("10.9.0.2", 80))
        }
        try expectError(.noSuchDestination, errno: ENOENT, "delete missing destination") {
            try h.deleteDestination(address: v4("10.9.1.9"), port: 80, from: key)
        }
        try expectError(.noSuchDestination, errno: ENOENT, "edit missing destination") {
            try h.updateDestination(IPVSDestination(address: v4("10.9.1.9"), port: 80), in: key)
        }
        try expectError(.unknownScheduler, errno: ENOENT, "unknown scheduler") {
            try h.addService(IPVSService(key: tcp("10.9.0.3", 80), scheduler: "nosuch"))
        }
        try expectError(.notFound, errno: ENOENT, "unknown persistence engine") {
            try h.addService(IPVSService(key: tcp("10.9.0.4", 80), persistenceEngine: "nosuch"))
        }
        try expectError(.invalidArgument, errno: EINVAL, "IPv6 persistence prefix over 128") {
            try h.addService(IPVSService.persistent(.address(.tcp, IPAddress("2001:db8:9::1")!, port: 80),
                                                    netmask: .ipv6(prefixLength: 129)))
        }
        try expectError(.system, errno: ENODEV, "sync daemon on a missing interface") {
            try h.startDaemon(IPVSSyncDaemon(role: .master, interface: "nosuch0"))
        }
        try expectTable(h, before, "failed calls changed nothing")
    },

    Scenario(name: "batched apply reports every result in order") { h in
        let a = tcp("10.10.0.1", 80)
        let d = IPVSDestination(address: v4("10.10.1.1"), port: 80)
        let results = h.apply([
            .addService(IPVSService(key: a)),
            .addService(IPVSService(key: a)),
            .addDestination(d, to: a),
            .addDestination(d, to: tcp("10.10.0.2", 80)),
            .deleteService(tcp("10.10.0.3", 80)),
            .updateDestination(IPVSDestination(address: v4("10.10.1.1"), port: 80, weight: 9), in: a),
        ])
        let codes = results.map { r -> String in
            switch r {
            case .success: "ok"
            case .failure(let e): e.code.rawValue
            }
        }
        try expectEqual(codes, ["ok", "exists", "ok", "noSuchService", "noSuchService", "ok"], "per-change results")
        var weighted = d
        weighted.weight = 9
        try expectTable(h, [IPVSServiceEntry(service: IPVSService(key: a), destinations: [weighted])], "after batch")
    },

    Scenario(name: "large batch: 200 services x 10 destinations in one apply") { h in
        var changes: [IPVSChange] = []
        var expected: [IPVSServiceEntry] = []
        for s in 0..<200 {
            let key = tcp("10.11.\(s / 250).\(s % 250 + 1)", 80)
            let service = IPVSService(key: key, scheduler: .weightedRoundRobin)
            changes.append(.addService(service))
            var dests: [IPVSDestination] = []
            for r in 0..<10 {
                let d = IPVSDestination(address: v4("10.12.\(s % 250).\(r + 1)"), port: 8080, forwarding: .masquerade,
                                        weight: UInt32(r))
                changes.append(.addDestination(d, to: key))
                dests.append(d)
            }
            expected.append(IPVSServiceEntry(service: service, destinations: dests))
        }
        let failures = h.apply(changes).enumerated().compactMap { i, r -> String? in
            if case .failure(let e) = r { return "#\(i): \(e)" }
            return nil
        }
        try expectEqual(failures, [], "batch failures")
        try expectTable(h, expected, "2,200 objects")
        // table() reads a table this large on several sockets at once; it must
        // equal the services read one by one on the handle's own socket, in the
        // kernel's order.
        let oneByOne = try h.services().map { service in
            IPVSServiceEntry(service: service, destinations: try h.destinations(of: service.key))
        }
        try expectEqual(try h.table(), oneByOne, "table() against the services read one by one")
        // Replies that overflow the receive length are drained and read again.
        let small = try IPVSHandle(receiveLength: 256)
        try expectEqual(try small.table(), oneByOne, "table() through 256-byte receives")
        try expectEqual(try small.table(), oneByOne, "table() again on that handle")
    },

    Scenario(name: "a reply lost whole to a short receive is asked again without waiting") { h in
        // One real server: the whole dump, NLMSG_DONE included, is one datagram,
        // so nothing is left to drain after the short receive.
        let key = tcp("10.15.0.1", 80)
        let dest = IPVSDestination(address: v4("10.15.1.1"), port: 80, forwarding: .masquerade)
        try h.addService(IPVSService(key: key, scheduler: .roundRobin))
        try h.addDestination(dest, to: key)
        let tiny = try IPVSHandle(receiveLength: 64)
        let clock = ContinuousClock()
        let start = clock.now
        try expectEqual(try tiny.destinations(of: key), try h.destinations(of: key), "destinations through a 64-byte receive")
        // The socket's receive timeout is 5 s; draining must not wait for it.
        try expect(clock.now - start < .seconds(4), "read again without waiting for the receive timeout")
        try expectEqual(try tiny.destinations(of: key), [dest], "and again")
    },

    Scenario(name: "handle opened in another network namespace") { h in
        try mustRun("/usr/sbin/ip netns add other")
        defer { _ = shell("/usr/sbin/ip netns del other") }
        let inner = try IPVSHandle(namespace: .named("other"))
        let key = tcp("10.13.0.1", 80)
        try inner.addService(IPVSService(key: key, scheduler: .roundRobin))
        try expectEqual(try inner.services().map(\.key), [key], "service in the namespace")
        try expectEqual(try h.services(), [], "root namespace untouched")
        let text = try mustRun("/usr/sbin/ip netns exec other ipvsadm -Sn")
        try expect(text.contains("-A -t 10.13.0.1:80 -s rr"), "ipvsadm in the namespace sees it: \(text)")
        try inner.flush()
    },

    Scenario(name: "flush empties everything") { h in
        try h.addService(IPVSService(key: tcp("10.14.0.1", 80)))
        try h.addService(IPVSService(key: .firewallMark(3, family: .inet6)))
        try h.addDestination(IPVSDestination(address: v4("10.14.1.1"), port: 80), to: tcp("10.14.0.1", 80))
        try h.flush()
        try expectEqual(try h.table(), [], "table after flush")
        try expectEqual(try mustRun("ipvsadm -Sn"), "", "ipvsadm -Sn after flush")
    },

    Scenario(name: "info") { h in
        let info = try h.info()
        try expectEqual(info.version, "1.2.1", "IPVS version")
        let header = try mustRun("ipvsadm -Ln").split(separator: "\n").first.map(String.init) ?? ""
        try expectEqual(header, "IP Virtual Server version \(info.version) (size=\(info.connectionTableSize))",
                        "ipvsadm header line")
    },
]
