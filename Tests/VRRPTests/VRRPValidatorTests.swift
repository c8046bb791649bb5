import Testing
import VRRP

@Suite("Validation of received adverts")
struct VRRPValidatorTests {
    static let me = VRRPAddress("192.0.2.1")!
    static let peer = VRRPAddress("192.0.2.2")!
    static let vips = [VRRPAddress("192.0.2.100")!, VRRPAddress("192.0.2.101")!]
    static let config = VRRPInstanceConfiguration(
        version: .v2, virtualRouterID: 51, priority: 100, virtualAddresses: vips,
        authentication: .password("vrrp-pw"))

    static func advert(_ change: (inout VRRPPacket) -> Void = { _ in }) -> VRRPPacket {
        var packet = VRRPPacket(version: .v2, virtualRouterID: 51, priority: 150, advertisementInterval: 1,
                                authentication: .password("vrrp-pw"), addresses: vips)
        change(&packet)
        return packet
    }

    static func receive(
        _ packet: VRRPPacket, from source: VRRPAddress = peer, to destination: VRRPAddress = .ipv4MulticastGroup,
        ttl: UInt8 = 255, mode: VRRPv3IPv4Checksum = .pseudoHeader,
        config: VRRPInstanceConfiguration = config, edit: (inout [UInt8]) -> Void = { _ in }
    ) throws -> Result<VRRPAcceptedAdvert, VRRPRejection> {
        let envelope = VRRPEnvelope(source: source, destination: destination)
        var bytes = try packet.encode(envelope: envelope, v3IPv4Checksum: mode)
        edit(&bytes)
        return VRRPValidator.validate(
            VRRPReceivedMessage(bytes: bytes, envelope: envelope, ttl: ttl),
            configuration: config, ownAddresses: [me])
    }

    @Test func aGoodAdvertIsAccepted() throws {
        let verdict = try Self.receive(Self.advert())
        let accepted = try verdict.get()
        #expect(accepted.packet.priority == 150)
        #expect(accepted.source == Self.peer)
        #expect(accepted.oldUnicastChecksumDetected == false)
    }

    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let expected: VRRPRejection
        let counter: VRRPCounter
        let run: @Sendable () throws -> Result<VRRPAcceptedAdvert, VRRPRejection>
    }

    static let cases: [Case] = [
        Case(description: "own address", expected: .fromOwnAddress(me), counter: .ownAddress) {
            try receive(advert(), from: me)
        },
        Case(description: "TTL 254 on multicast", expected: .ttl(254), counter: .ipTTLError) {
            try receive(advert(), ttl: 254)
        },
        Case(description: "short", expected: .length(.truncated(field: .authenticationData, offset: 16)),
             counter: .packetLengthError) {
            try receive(advert()) { $0.removeLast() }
        },
        Case(description: "long", expected: .length(.trailingBytes(expected: 24, actual: 25)),
             counter: .packetLengthError) {
            try receive(advert()) { $0.append(0) }
        },
        Case(description: "version 3 on a version 2 instance", expected: .version(3), counter: .versionError) {
            try receive(advert { $0.version = .v3; $0.authentication = .none })
        },
        Case(description: "version 5", expected: .version(5), counter: .versionError) {
            try receive(advert()) { $0[0] = 0x51 }
        },
        Case(description: "other VRID", expected: .virtualRouterID(52), counter: .vridError) {
            try receive(advert { $0.virtualRouterID = 52 })
        },
        Case(description: "auth type 3", expected: .invalidAuthType(VRRPAuthType(rawValue: 3)),
             counter: .invalidAuthType) {
            try receive(advert { $0.authentication = VRRPAuthentication(type: VRRPAuthType(rawValue: 3), data: []) })
        },
        Case(description: "no auth", expected: .authTypeMismatch(expected: .simplePassword, received: .none),
             counter: .authTypeMismatch) {
            try receive(advert { $0.authentication = .none })
        },
        Case(description: "wrong password", expected: .authFailure, counter: .authFailure) {
            try receive(advert { $0.authentication = .password("vrrp-px") })
        },
        Case(description: "interval 2 s", expected: .advertisementIntervalMismatch(expected: 1, received: 2),
             counter: .advertIntervalError) {
            try receive(advert { $0.advertisementInterval = 2 })
        },
        Case(description: "type 2", expected: .type(VRRPPacketType(rawValue: 2)), counter: .invalidTypeReceived) {
            try receive(advert { $0.type = VRRPPacketType(rawValue: 2) })
        },
        Case(description: "one address", expected: .addressCount(expected: 2, received: 1),
             counter: .addressListError) {
            try receive(advert { $0.addresses.removeLast() })
        },
        Case(description: "bad checksum", expected: .checksum(expected: 0x35ab, actual: 0x35ac),
             counter: .checksumError) {
            try receive(advert { $0.priority = 150 }) { $0[7] &+= 1 }
        },
        Case(description: "unicast on a multicast instance",
             expected: .unicastMulticastMismatch(multicastReceived: false), counter: .addressListError) {
            try receive(advert(), to: me)
        },
        Case(description: "other address", expected: .addressListMismatch(missing: vips[1]),
             counter: .addressListError) {
            try receive(advert { $0.addresses[1] = VRRPAddress("192.0.2.102")! })
        },
        Case(description: "unicast from a stranger", expected: .notAUnicastPeer(VRRPAddress("192.0.2.3")!),
             counter: .addressListError) {
            var unicast = VRRPValidatorTests.config
            unicast.unicastPeers = [peer]
            unicast.checkUnicastSource = true
            return try receive(advert(), from: VRRPAddress("192.0.2.3")!, to: me, ttl: 64, config: unicast)
        },
    ]

    @Test(arguments: cases)
    func eachCheckRejectsWithItsOwnVerdict(_ c: Case) throws {
        let verdict = try c.run()
        guard case .failure(let rejection) = verdict else {
            Issue.record("accepted")
            return
        }
        #expect(rejection == c.expected)
        #expect(rejection.counter == c.counter)
    }

    /// Unicast ignores the TTL; a peer running `old_unicast_checksum` is detected and accepted,
    /// unless detection is off (`old_unicast_checksum never`).
    @Test func oldUnicastChecksumIsDetected() throws {
        var config = VRRPInstanceConfiguration(
            version: .v3, virtualRouterID: 57, priority: 100, virtualAddresses: [Self.vips[0]],
            unicastPeers: [Self.peer])
        let packet = VRRPPacket(version: .v3, virtualRouterID: 57, priority: 140, advertisementInterval: 100,
                                addresses: [Self.vips[0]])
        let normal = try Self.receive(packet, to: Self.me, ttl: 64, config: config).get()
        #expect(!normal.oldUnicastChecksumDetected)
        let old = try Self.receive(packet, to: Self.me, ttl: 64, mode: .pseudoHeaderWithMulticastGroup, config: config).get()
        #expect(old.oldUnicastChecksumDetected)
        config.detectOldUnicastChecksum = false
        let refused = try Self.receive(packet, to: Self.me, mode: .pseudoHeaderWithMulticastGroup, config: config)
        guard case .failure(.checksum) = refused else {
            Issue.record("\(refused)")
            return
        }
    }

    /// The golden keepalived v3 unicast adverts pass validation on a matching instance.
    @Test func goldenUnicastAdvertsValidate() throws {
        let config = VRRPInstanceConfiguration(
            version: .v3, virtualRouterID: 55, priority: 100, virtualAddresses: [VRRPAddress("192.0.2.140")!],
            unicastPeers: [VRRPAddress("192.0.2.1")!], checkUnicastSource: true)
        for captured in try GoldenFixtures.packets("v3-unicast") {
            let verdict = VRRPValidator.validate(
                VRRPReceivedMessage(bytes: captured.bytes, envelope: captured.envelope, ttl: captured.ttl),
                configuration: config, ownAddresses: [Self.peer])
            #expect(try verdict.get().oldUnicastChecksumDetected == false)
        }
    }

    @Test func strictModeListsWhatItForbids() {
        let lax = VRRPInstanceConfiguration(
            version: .v2, virtualRouterID: 1, priority: 100, virtualAddresses: [], authentication: .password("x"),
            unicastPeers: [Self.peer], preemptDelay: .seconds(5), initialStateMaster: true,
            lowerPriorityNoAdvert: false, higherPrioritySendAdvert: true, refreshAddressesOnLowerPriorityAdvert: true)
        #expect(lax.strictViolations.isEmpty)
        var strict = lax
        strict.strict = true
        #expect(strict.strictViolations == [
            .noVirtualAddresses, .unicastPeers, .initialStateNotMatchingOwnership, .authentication,
            .preemptDelay, .gratuitousARPRepeat, .lowerPriorityAdvert, .higherPrioritySendAdvert,
        ])
        let good = VRRPInstanceConfiguration(
            version: .v3, virtualRouterID: 1, priority: 255, virtualAddresses: [VRRPAddress("fe80::1")!],
            initialStateMaster: true, strict: true)
        #expect(good.strictViolations.isEmpty)
        #expect(!good.answersLowerPriorityAdvert && !good.sendsAdvertBeforeYielding && !good.announcesOnLowerPriorityAdvert)
        // Strict mode wins over explicit settings, as in keepalived.
        #expect(!strict.answersLowerPriorityAdvert && !strict.sendsAdvertBeforeYielding)
        #expect(lax.answersLowerPriorityAdvert && lax.sendsAdvertBeforeYielding && lax.announcesOnLowerPriorityAdvert)
    }
}
