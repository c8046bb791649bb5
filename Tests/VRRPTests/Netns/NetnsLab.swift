#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import Testing
import VRRP

/// Two network namespaces joined by a veth pair, as Fixtures/capture.sh builds them:
/// A: va, 02:00:00:00:00:01, 192.0.2.1/24, 2001:db8::1/64, fe80::ff:fe00:1/64;
/// B: vb, 02:00:00:00:00:02, 192.0.2.2/24, 2001:db8::2/64, fe80::ff:fe00:2/64.
/// Each test makes its own lab and removes it.
final class NetnsLab {
    enum Side { case a, b }

    static let ip = "/usr/sbin/ip"
    static let keepalived = "/usr/sbin/keepalived"

    /// Root, and `ip` installed: otherwise the namespace tests are skipped.
    static var available: Bool { getuid() == 0 && access(ip, X_OK) == 0 }
    static var keepalivedAvailable: Bool { available && access(keepalived, X_OK) == 0 }

    static let a1 = VRRPAddress("192.0.2.1")!
    static let b1 = VRRPAddress("192.0.2.2")!
    static let aLinkLocal = VRRPAddress("fe80::ff:fe00:1")!
    static let bLinkLocal = VRRPAddress("fe80::ff:fe00:2")!

    let nsA: String
    let nsB: String
    private(set) var removed = false

    init() throws {
        let tag = "vrrpt\(getpid())x\(UInt32.random(in: 0...UInt32.max))"
        nsA = tag + "a"
        nsB = tag + "b"
        try Self.run([Self.ip, "netns", "add", nsA])
        do {
            try Self.run([Self.ip, "netns", "add", nsB])
            try Self.run([Self.ip, "link", "add", "va", "netns", nsA, "address", "02:00:00:00:00:01", "type", "veth",
                          "peer", "vb", "netns", nsB, "address", "02:00:00:00:00:02"])
            for (ns, dev, v4, v6, ll) in [(nsA, "va", "192.0.2.1/24", "2001:db8::1/64", "fe80::ff:fe00:1/64"),
                                          (nsB, "vb", "192.0.2.2/24", "2001:db8::2/64", "fe80::ff:fe00:2/64")] {
                try Self.run([Self.ip, "-n", ns, "link", "set", "lo", "up"])
                // No automatic link-local address: ours is added at once, without DAD.
                try Self.run([Self.ip, "-n", ns, "link", "set", dev, "addrgenmode", "none"])
                try Self.run([Self.ip, "-n", ns, "addr", "add", v4, "dev", dev])
                try Self.run([Self.ip, "-n", ns, "addr", "add", v6, "dev", dev, "nodad"])
                try Self.run([Self.ip, "-n", ns, "addr", "add", ll, "dev", dev, "nodad"])
                try Self.run([Self.ip, "-n", ns, "link", "set", dev, "up"])
            }
            try waitForCarrier()
        } catch {
            remove()
            throw error
        }
    }

    /// Waits until both ends report carrier and operational state UP: until then the veth's
    /// queue drops what is sent (an IPv6 multicast sent at once is lost; unicast survives only
    /// because neighbour discovery delays it).
    private func waitForCarrier() throws {
        let listing = "/tmp/\(nsA).link"
        defer { unlink(listing) }
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        for (ns, dev) in [(nsA, "va"), (nsB, "vb")] {
            while true {
                guard let pid = spawnProcess([Self.ip, "-n", ns, "link", "show", "dev", dev], stdout: listing,
                                             stderr: "/dev/null"),
                      Self.wait(pid) == 0
                else { throw LabError("ip -n \(ns) link show dev \(dev) failed") }
                let text = try Self.read(listing)
                if text.contains("LOWER_UP") && text.contains("state UP") { break }
                guard ContinuousClock.now < deadline else { throw LabError("\(dev) has no carrier: \(text)") }
                usleep(10_000)
            }
        }
    }

    static func read(_ path: String) throws -> String {
        guard let file = fopen(path, "r") else { throw LabError("fopen \(path)") }
        defer { fclose(file) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    deinit { remove() }

    func remove() {
        guard !removed else { return }
        removed = true
        // Deleting a namespace that is gone already fails; nothing else is to be done then.
        _ = try? Self.run([Self.ip, "netns", "del", nsA])
        _ = try? Self.run([Self.ip, "netns", "del", nsB])
    }

    func name(_ side: Side) -> String { side == .a ? nsA : nsB }

    /// Runs `body` on this thread inside the namespace and returns to the original one before
    /// returning; sockets opened in `body` stay in the namespace. Synchronous, so no other task
    /// runs on this thread meanwhile.
    func inside<T>(_ side: Side, _ body: () throws -> T) throws -> T {
        let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard original >= 0 else { throw LabError("open /proc/thread-self/ns/net: errno \(errno)") }
        defer { close(original) }
        let target = open("/run/netns/\(name(side))", O_RDONLY | O_CLOEXEC)
        guard target >= 0 else { throw LabError("open /run/netns/\(name(side)): errno \(errno)") }
        defer { close(target) }
        guard Self.setns(target, Self.cloneNewNet) == 0 else { throw LabError("setns \(name(side)): errno \(errno)") }
        defer {
            // Returning to the original namespace cannot fail for a namespace we came from.
            if Self.setns(original, Self.cloneNewNet) != 0 { Issue.record("setns back failed: errno \(errno)") }
        }
        return try body()
    }

    /// setns(2), looked up at run time: Glibc declares it only under _GNU_SOURCE, which the
    /// Swift Glibc module does not define (CNetlink's shim has the same note).
    private static let setns: @convention(c) (Int32, Int32) -> Int32 = {
        // RTLD_DEFAULT is a null handle in glibc.
        guard let symbol = dlsym(nil, "setns") else { return { _, _ in -1 } }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()
    /// CLONE_NEWNET from <sched.h>.
    private static let cloneNewNet: Int32 = 0x4000_0000

    /// Starts a program in a namespace; returns its pid.
    func spawn(_ side: Side, _ arguments: [String], stdout: String, stderr: String) throws -> Int32 {
        guard let pid = spawnProcess([Self.ip, "netns", "exec", name(side)] + arguments, stdout: stdout, stderr: stderr)
        else { throw LabError("cannot start \(arguments)") }
        return pid
    }

    /// Runs a command to completion; throws unless it exits 0.
    @discardableResult
    static func run(_ arguments: [String]) throws -> Int32 {
        guard let pid = spawnProcess(arguments, stdout: "/dev/null", stderr: "/dev/null") else {
            throw LabError("cannot start \(arguments.joined(separator: " "))")
        }
        let status = wait(pid)
        guard status == 0 else { throw LabError("\(arguments.joined(separator: " ")) exited with \(status)") }
        return status
    }

    /// waitpid; the exit status, or 128 + signal.
    static func wait(_ pid: Int32) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

struct LabError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
