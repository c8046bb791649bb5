import Testing
@testable import IPVSNetlink

@Suite("Scheduler flag names and service rules")
struct ServiceRulesTests {
    @Test(arguments: [
        (Scheduler.sourceHashing, IPVSServiceFlags.schedulerFlags, ["sh-fallback", "sh-port"]),
        (.maglevHashing, [.schedulerFlag2, .persistent], ["mh-port"]),
        (.sourceHashing, [.schedulerFlag3], []),
        (.weightedLeastConnection, .schedulerFlags, ["flag-1", "flag-2", "flag-3"]),
        (.roundRobin, [.onePacket], []),
    ] as [(Scheduler, IPVSServiceFlags, [String])])
    func namesOfTheSetFlags(_ scheduler: Scheduler, _ flags: IPVSServiceFlags, _ names: [String]) throws {
        #expect(flags.schedulerFlagNames(for: scheduler) == names)
        #expect(try IPVSServiceFlags(schedulerFlagNames: names, scheduler: scheduler)
            == flags.intersection(scheduler == .weightedLeastConnection ? .schedulerFlags : [.schedulerFlag1, .schedulerFlag2]))
    }

    @Test(arguments: [
        (["flag-1", "sh-port"], Scheduler.roundRobin, SchedulerFlagError.incompatible("sh-port")),
        (["mh-fallback"], .sourceHashing, .incompatible("mh-fallback")),
        (["flag-4"], .sourceHashing, .unknown("flag-4")),
        ([""], .weightedLeastConnection, .unknown("")),
        (["bogus", "sh-port"], .roundRobin, .unknown("bogus")),
    ])
    func refusedNames(_ names: [String], _ scheduler: Scheduler, _ error: SchedulerFlagError) {
        #expect(throws: error) { try IPVSServiceFlags(schedulerFlagNames: names, scheduler: scheduler) }
    }

    @Test func flagErrorsReadAsIPVSAdm() {
        #expect(SchedulerFlagError.unknown("x").description == "invalid scheduler flag `x'")
        #expect(SchedulerFlagError.incompatible("sh-port").description == "incompatible scheduler flag `sh-port'")
    }

    static let v4 = IPAddress("10.0.0.1")!
    static let v6 = IPAddress("2001:db8::1")!

    @Test(arguments: [
        (IPVSService(key: .address(.tcp, v4, port: 0)), IPVSValidationError?.some(.zeroPortWithoutPersistence)),
        (IPVSService(key: .address(.tcp, v4, port: 0), flags: [.persistent, .onePacket]), .onePacketNotUDP),
        (IPVSService(key: .address(.sctp, v4, port: 80), flags: .onePacket), .onePacketNotUDP),
        (IPVSService(key: .address(.tcp, v4, port: 0), flags: .persistent), nil),
        (IPVSService(key: .address(.udp, v4, port: 53), flags: .onePacket), nil),
        (IPVSService(key: .firewallMark(1, family: .inet), flags: .onePacket), nil),
    ])
    func serviceRules(_ service: IPVSService, _ expected: IPVSValidationError?) {
        if let expected {
            #expect(throws: expected) { try service.validate() }
        } else {
            #expect(throws: Never.self) { try service.validate() }
        }
    }

    @Test(arguments: [
        (IPVSDestination(address: v6, port: 80, forwarding: .masquerade), IPVSServiceKey.address(.tcp, v4, port: 80),
         IPVSValidationError?.some(.familyMismatchWithoutTunnel)),
        (IPVSDestination(address: v4, port: 80), .firewallMark(3, family: .inet6), .familyMismatchWithoutTunnel),
        (IPVSDestination(address: v6, port: 80, forwarding: .ipip), .address(.tcp, v4, port: 80), nil),
        (IPVSDestination(address: v4, port: 80, forwarding: .tunnel(TunnelOptions(kind: .gue))),
         .address(.tcp, v4, port: 80), .tunnelPortMissing),
        (IPVSDestination(address: v4, port: 80, forwarding: .tunnel(TunnelOptions(kind: .gue, port: 6080,
                                                                                   checksum: .remoteChecksum))),
         .address(.tcp, v4, port: 80), nil),
        (IPVSDestination(address: v4, port: 80, forwarding: .tunnel(TunnelOptions(kind: .ipip, port: 1))),
         .address(.tcp, v4, port: 80), .tunnelPortNotAllowed(.ipip)),
        (IPVSDestination(address: v4, port: 80, forwarding: .tunnel(TunnelOptions(kind: .ipip, checksum: .csum))),
         .address(.tcp, v4, port: 80), .tunnelChecksumNotAllowed(.ipip, .csum)),
        (IPVSDestination(address: v4, port: 80, forwarding: .tunnel(TunnelOptions(kind: .gre, port: 1))),
         .address(.tcp, v4, port: 80), .tunnelPortNotAllowed(.gre)),
        (IPVSDestination(address: v4, port: 80, forwarding: .tunnel(TunnelOptions(kind: .gre, checksum: .remoteChecksum))),
         .address(.tcp, v4, port: 80), .tunnelChecksumNotAllowed(.gre, .remoteChecksum)),
        (IPVSDestination(address: v4, port: 80, forwarding: .tunnel(TunnelOptions(kind: .gre, checksum: .csum))),
         .address(.tcp, v4, port: 80), nil),
    ])
    func destinationRules(_ destination: IPVSDestination, _ key: IPVSServiceKey, _ expected: IPVSValidationError?) {
        if let expected {
            #expect(throws: expected) { try destination.validate(in: key) }
        } else {
            #expect(throws: Never.self) { try destination.validate(in: key) }
        }
    }

    @Test func validationErrorsRead() {
        #expect(IPVSValidationError.tunnelChecksumNotAllowed(.gre, .remoteChecksum).description
            == "gre tunnels cannot use remcsum")
        #expect(IPVSValidationError.tunnelPortNotAllowed(.ipip).description == "ipip tunnels have no port")
    }
}
