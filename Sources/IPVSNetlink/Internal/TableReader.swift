import Dispatch
import Synchronization

/// Reads the real servers of many services on several sockets at once, one
/// thread per socket, and returns them in the order of `services`.
///
/// Each destination dump costs a request and two replies, and the kernel does
/// its part of the work (finding the service, filling and copying the reply)
/// in the system call of the thread that asks. Two sockets on two threads
/// therefore read a large table in about half the time, where one thread with
/// many sockets would not.
struct TableReader: ~Copyable {
    /// More lanes than this gain nothing: the kernel serializes the dump
    /// callbacks themselves under the generic netlink and IPVS mutexes.
    static let maxLanes = 4
    /// Below this many services per lane, a second socket costs more than it saves.
    static let servicesPerLane = 64

    let services: [IPVSService]
    private let lanes: Lanes

    init(services: [IPVSService], sockets: [NetlinkSocket]) {
        self.services = services
        self.lanes = Lanes(sockets)
    }

    func read() throws(IPVSError) -> [IPVSServiceEntry] {
        let services = self.services
        let lanes = self.lanes
        let count = lanes.sockets.count
        if count == 1 {
            return try Self.read(services[...], on: lanes.sockets[0])
        }
        // Contiguous runs of nearly equal length, lane i taking run i.
        let runs = (0..<count).map { lane in
            (services.count * lane / count)..<(services.count * (lane + 1) / count)
        }
        let results = Mutex([Result<[IPVSServiceEntry], IPVSError>?](repeating: nil, count: count))
        DispatchQueue.concurrentPerform(iterations: count) { lane in
            let result = Result { () throws(IPVSError) in try Self.read(services[runs[lane]], on: lanes.sockets[lane]) }
            results.withLock { $0[lane] = result }
        }
        var table: [IPVSServiceEntry] = []
        table.reserveCapacity(services.count)
        for result in results.withLock({ $0 }) {
            // concurrentPerform returns after every iteration ran.
            table += try result!.get()
        }
        return table
    }

    private static func read(_ services: ArraySlice<IPVSService>, on socket: NetlinkSocket) throws(IPVSError) -> [IPVSServiceEntry] {
        var entries: [IPVSServiceEntry] = []
        entries.reserveCapacity(services.count)
        for service in services {
            entries.append(IPVSServiceEntry(service: service,
                                            destinations: try IPVSHandle.dumpDestinations(service.key, on: socket)))
        }
        return entries
    }

    /// The sockets, one per lane. Each lane's thread is the only one to touch
    /// its socket while `read` runs, and `read` returns only after every lane
    /// finished; the handle's lock keeps everyone else off the first socket.
    private final class Lanes: @unchecked Sendable {
        let sockets: [NetlinkSocket]
        init(_ sockets: [NetlinkSocket]) { self.sockets = sockets }
    }
}
