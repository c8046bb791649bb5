import Director
import IPVSNetlink
import Testing

@Suite struct StateFileTests {
    @Test func managedServicesRoundTripAndAMissingFileIsEmpty() throws {
        let directory = try TemporaryDirectory()
        let file = ManagedServicesFile(path: directory.path + "/state/managed-services")
        #expect(try file.read().services.isEmpty)
        let services: Set<IPVSServiceKey> = [
            .address(.tcp, IPAddress("10.0.0.1")!, port: 80),
            .address(.udp, IPAddress("2001:db8::1")!, port: 53),
            .firewallMark(7, family: .inet6),
        ]
        try file.write(services)
        #expect(try file.read().services == services)
        #expect(try file.file.readLines() == ["fwmark:7:ipv6", "tcp:10.0.0.1:80", "udp:[2001:db8::1]:53"])
    }

    @Test func unreadableLinesAreReported() throws {
        let directory = try TemporaryDirectory()
        let file = ManagedServicesFile(path: directory.path + "/managed-services")
        try file.file.writeLines(["tcp:10.0.0.1:80", "garbage"])
        let read = try file.read()
        #expect(read.services == [.address(.tcp, IPAddress("10.0.0.1")!, port: 80)])
        #expect(read.unreadable == ["garbage"])
    }
}
