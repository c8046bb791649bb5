import IPVSNetlink
import Testing

@testable import IPVSAdm
import IPVSModel

@Suite struct StatusTests {
    static func v4(_ text: String) -> IPAddress { IPAddress(text)! }

    /// Two TCP services, one UDP, one fwmark; five real servers, two of them at
    /// weight 0; a master and a backup sync daemon.
    static let status = IPVSStatus(
        info: IPVSInfo(versionCode: 0x010201, connectionTableSize: 4096),
        table: [
            IPVSServiceEntry(service: IPVSService(key: .address(.tcp, v4("10.0.0.1"), port: 80)), destinations: [
                IPVSDestination(address: v4("192.168.0.1"), port: 80, weight: 1, activeConnections: 3,
                                inactiveConnections: 10),
                IPVSDestination(address: v4("192.168.0.2"), port: 80, weight: 0, activeConnections: 1,
                                inactiveConnections: 2),
            ]),
            IPVSServiceEntry(service: IPVSService(key: .address(.tcp, v4("10.0.0.1"), port: 443)), destinations: []),
            IPVSServiceEntry(service: IPVSService(key: .address(.udp, v4("10.0.0.2"), port: 53)), destinations: [
                IPVSDestination(address: v4("192.168.0.3"), port: 53, weight: 5),
            ]),
            IPVSServiceEntry(service: IPVSService(key: .firewallMark(7, family: .inet6)), destinations: [
                IPVSDestination(address: IPAddress("2001:db8::1")!, port: 0, weight: 0),
                IPVSDestination(address: IPAddress("2001:db8::2")!, port: 0, weight: 2, activeConnections: 4),
            ]),
        ],
        timeouts: IPVSTimeouts(tcp: 900, tcpFin: 120, udp: 300),
        syncDaemons: [
            IPVSSyncDaemon(role: .master, interface: "sync0", syncID: 7, maxLength: 1472, group: v4("224.0.0.81"),
                           port: 8848, ttl: 1),
            IPVSSyncDaemon(role: .backup, interface: "sync1", syncID: 9),
        ])

    @Test func countsServersAndConnections() {
        let s = Self.status
        #expect((s.services, s.tcpServices, s.udpServices, s.sctpServices, s.firewallMarkServices) == (4, 2, 1, 0, 1))
        #expect((s.realServers, s.realServersWithWeightZero) == (5, 2))
        #expect((s.activeConnections, s.inactiveConnections) == (8, 12))
    }

    @Test func text() {
        #expect(Self.status.text == """
            IPVS 1.2.1, connection table size 4096
            virtual services: 4 (tcp 2, udp 1, sctp 0, fwmark 1)
            real servers: 5, 2 with weight 0
            connections: 8 active, 12 inactive
            timeouts: tcp 900 s, tcpfin 120 s, udp 300 s
            sync daemon: master on sync0, syncid 7, group 224.0.0.81, port 8848
            sync daemon: backup on sync1, syncid 9

            """)
    }

    @Test func json() {
        #expect(Self.status.jsonText() == """
            {
              "connectionTableSize" : 4096,
              "connections" : {
                "active" : 8,
                "inactive" : 12
              },
              "realServers" : {
                "total" : 5,
                "weightZero" : 2
              },
              "services" : {
                "fwmark" : 1,
                "sctp" : 0,
                "tcp" : 2,
                "total" : 4,
                "udp" : 1
              },
              "syncDaemons" : [
                {
                  "group" : "224.0.0.81",
                  "interface" : "sync0",
                  "maxLength" : 1472,
                  "port" : 8848,
                  "role" : "master",
                  "syncID" : 7,
                  "ttl" : 1
                },
                {
                  "interface" : "sync1",
                  "role" : "backup",
                  "syncID" : 9
                }
              ],
              "timeouts" : {
                "tcp" : 900,
                "tcpFin" : 120,
                "udp" : 300
              },
              "version" : "1.2.1"
            }

            """)
    }

    @Test func emptyKernel() {
        let s = IPVSStatus(info: IPVSInfo(versionCode: 0x010201, connectionTableSize: 4096), table: [],
                           timeouts: IPVSTimeouts(tcp: 900, tcpFin: 120, udp: 300), syncDaemons: [])
        #expect(s.text.contains("virtual services: 0 (tcp 0, udp 0, sctp 0, fwmark 0)\n"))
        #expect(s.text.hasSuffix("sync daemons: none\n"))
    }
}
