import Dispatch
import Synchronization

/// Reads every service and its real servers, on several sockets at once when
/// the table is large.
///
/// The services come in one dump on the handle's socket. Each real-server dump
/// costs a request and two replies, and the kernel does its part of the work
/// (finding the service, filling and copying the reply) in the system call of
/// the thread that asks; so once the service dump has brought `helperThreshold`
/// services, helper threads with sockets of their own start dumping the real
/// servers of the services known so far while the rest of the service dump
/// arrives. When it is complete the handle's thread joins them. Results are
/// kept by position, so the order is the kernel's, as with one socket.
enum TableReader {
    /// At most this many sockets read at once: the kernel serializes the dump
    /// callbacks themselves under the generic netlink and IPVS mutexes.
    static let maxLanes = 4
    /// Services known before helpers start; smaller tables are read on one socket.
    static let helperThreshold = 64

    static func read(on socket: NetlinkSocket, lanes: Int) throws(IPVSError) -> [IPVSServiceEntry] {
        let work = Work()
        let helpers = DispatchGroup()
        var started = false
        do {
            _ = try IPVSHandle.dump(IPVSCodec.dumpServices, on: socket, operation: "list services",
                                    restarting: { work.restart() }) { (attrs) throws(WireError) in
                if work.publish(try IPVSCodec.decodeService(attrs)) == helperThreshold, !started {
                    started = true
                    // A socket that cannot be opened only means fewer lanes.
                    for _ in 1..<max(1, min(lanes, maxLanes)) {
                        guard let helper = try? socket.sibling() else { break }
                        let lane = Lane(helper)
                        helpers.enter()
                        DispatchQueue.global().async {
                            work.drain(on: lane.socket, waiting: true)
                            helpers.leave()
                        }
                    }
                }
            }
        } catch {
            work.fail(error)
        }
        work.close()
        work.drain(on: socket, waiting: false)
        helpers.wait()
        return try work.result()
    }

    /// A helper's socket, touched only by that helper's thread.
    private final class Lane: @unchecked Sendable {
        let socket: NetlinkSocket
        init(_ socket: NetlinkSocket) { self.socket = socket }
    }

    /// The services found so far and the real servers read for them, shared
    /// by the lanes.
    private final class Work: Sendable {
        private struct State {
            var services: [IPVSService] = []
            var destinations: [[IPVSDestination]?] = []
            /// Next service whose real servers no lane has taken yet.
            var next = 0
            /// Position of the next service the dump brings (from 0 again
            /// when the dump is asked again).
            var cursor = 0
            var closed = false
            var error: IPVSError?
        }

        private enum Job {
            case read(Int, IPVSServiceKey)
            case wait
            case stop
        }

        private let state = Mutex(State())
        /// Signalled when a service is published or the dump is over.
        private let wake = DispatchSemaphore(value: 0)

        /// Adds the next service of the dump; returns how many are known.
        func publish(_ service: IPVSService) -> Int {
            let known = state.withLock { s in
                defer { s.cursor += 1 }
                if s.cursor < s.services.count {
                    // Asked again: the same services must come back.
                    if s.services[s.cursor] != service { s.error = s.error ?? Self.changed }
                } else {
                    s.services.append(service)
                    s.destinations.append(nil)
                }
                return s.services.count
            }
            wake.signal()
            return known
        }

        /// The service dump is being asked again after a reply did not fit.
        func restart() { state.withLock { $0.cursor = 0 } }

        func fail(_ error: IPVSError) {
            state.withLock { $0.error = $0.error ?? error }
            wake.signal()
        }

        /// No more services will come; wakes every waiting helper.
        func close() {
            state.withLock { s in
                if s.cursor < s.services.count { s.error = s.error ?? Self.changed }
                s.closed = true
            }
            for _ in 0..<TableReader.maxLanes { wake.signal() }
        }

        /// Reads the real servers of services no lane has taken, until there
        /// are none; waits for more while the service dump is still coming if
        /// `waiting`.
        func drain(on socket: NetlinkSocket, waiting: Bool) {
            while true {
                let job = state.withLock { s -> Job in
                    if s.error != nil { return .stop }
                    if s.next < s.services.count {
                        s.next += 1
                        return .read(s.next - 1, s.services[s.next - 1].key)
                    }
                    return s.closed ? .stop : .wait
                }
                switch job {
                case .stop:
                    return
                case .wait:
                    guard waiting else { return }
                    wake.wait()
                case .read(let index, let key):
                    do {
                        let found = try IPVSHandle.dumpDestinations(key, on: socket)
                        state.withLock { $0.destinations[index] = found }
                    } catch {
                        fail(error)
                    }
                }
            }
        }

        func result() throws(IPVSError) -> [IPVSServiceEntry] {
            let s = state.withLock { $0 }
            if let error = s.error { throw error }
            return zip(s.services, s.destinations).map { service, destinations in
                // Every lane has returned and no error was recorded: each was read.
                IPVSServiceEntry(service: service, destinations: destinations!)
            }
        }

        private static let changed = IPVSError(code: .busy, operation: "list services",
                                               message: "the table changed while it was read again; try again")
    }
}
