import Testing
@testable import IPVSNetlink

/// The errno texts: ipvsadm 1.31's (libipvs's ipvs_strerror table, as the VM
/// differential test compares them with the real ipvsadm) and the names.
@Suite("Errno texts")
struct ErrorMessagesTests {
    static let key = IPVSServiceKey.address(.tcp, IPAddress("10.0.0.1")!, port: 80)
    static let destination = IPVSDestination(address: IPAddress("10.0.0.2")!, port: 80)

    @Test(arguments: [
        (IPVSChange.addService(IPVSService(key: key)), Int32(17), "Service already exists"),
        (.addService(IPVSService(key: key)), 2, "Scheduler or persistence engine not found"),
        (.updateService(IPVSService(key: key)), 2, "Scheduler or persistence engine not found"),
        (.updateService(IPVSService(key: key)), 3, "No such service"),
        (.deleteService(key), 3, "No such service"),
        (.zero(key), 3, "No such service"),
        (.addDestination(destination, to: key), 3, "Service not defined"),
        (.addDestination(destination, to: key), 17, "Destination already exists"),
        (.addDestination(destination, to: key), 2, "No such file or directory"),
        (.updateDestination(destination, in: key), 2, "No such destination"),
        (.deleteDestination(address: destination.address, port: 80, from: key), 3, "Service not defined"),
        (.startDaemon(IPVSSyncDaemon(role: .master, interface: "eth0")), 17, "Daemon has already run"),
        (.stopDaemon(.backup), 3, "No daemon is running"),
        (.flush, 3, "No such process"),
        (.flush, 1, "Permission denied (you must be root)"),
        (.setTimeouts(IPVSTimeouts()), 22,
         "Invalid operation.  Possibly wrong module version, address not unicast, ..."),
        (.deleteService(key), 95, "Operation not supported with IPv6"),
        (.deleteService(key), 97, "Operation not supported with specified address family"),
        (.deleteService(key), 90, "Module is wrong version"),
        (.deleteService(key), 12, "Memory allocation problem"),
    ])
    func changeTexts(_ change: IPVSChange, _ errno: Int32, _ text: String) {
        #expect(IPVSErrorMessages.text(for: change, errno: errno) == text)
    }

    @Test func readAndOpenTexts() {
        #expect(IPVSErrorMessages.readText(errno: 3) == "No such service")
        #expect(IPVSErrorMessages.readText(errno: 1) == "Permission denied (you must be root)")
        #expect(IPVSErrorMessages.openText(errno: 92) == "Protocol not available")
        #expect(IPVSErrorMessages.openText(errno: 3) == "No such process")
    }

    @Test func names() {
        #expect(IPVSErrorMessages.name(errno: 3) == "ESRCH")
        #expect(IPVSErrorMessages.name(errno: 95) == "EOPNOTSUPP")
        #expect(IPVSErrorMessages.name(errno: 28) == "errno 28")
    }

    /// A fake kernel's failure reads as the handle's: the code follows the change.
    @Test func failingChangeMapsAsTheHandleDoes() {
        #expect(IPVSError(errno: 2, failing: .addService(IPVSService(key: Self.key))).code == .unknownScheduler)
        #expect(IPVSError(errno: 2, failing: .addService(IPVSService(key: Self.key, persistenceEngine: "sip"))).code
            == .notFound)
        #expect(IPVSError(errno: 2, failing: .deleteDestination(address: Self.destination.address, port: 80,
                                                                from: Self.key)).code == .noSuchDestination)
        let e = IPVSError(errno: 3, failing: .deleteService(Self.key))
        #expect(e.code == .noSuchService)
        #expect(e.operation == "delete service tcp:10.0.0.1:80")
    }
}
