import Director
import KeepalivedConfig
import Logging
import Synchronization
import VRRP

/// lvsd's VRRP instances: one ``VRRP/VRRPInstanceRunner`` per planned instance, each a child
/// task of ``run()``, every state change forwarded to the director (which installs an
/// instance's virtual servers only while it is MASTER).
///
/// - An instance whose sockets cannot be opened (no such interface, no address on it) is
///   logged, reported as `NOT RUNNING` with the error in `lvsctl status`, counted as not
///   MASTER, and tried again every ``retryInterval``.
/// - Cancelling ``run()`` (graceful shutdown) stops every runner: a MASTER sends priority 0
///   and removes its addresses before ``run()`` returns.
struct VRRPService: Sendable {
    var plan: VRRPPlan
    var director: Director
    var logger: Logger
    /// Formats a position as `FILE:LINE`.
    var place: @Sendable (SourcePosition) -> String
    var retryInterval: Duration = .seconds(5)

    /// The live state of every instance, read by `lvsctl status`.
    final class Registry: Sendable {
        struct Entry: Sendable {
            var configuration: VRRPRunnerConfiguration
            var runner: VRRPInstanceRunner<ContinuousClock>?
            var state: String
            var lastTransition: ContinuousClock.Instant?
            var error: String?
        }

        private let entries: Mutex<[Entry]>

        init(_ plan: VRRPPlan) {
            entries = Mutex(plan.instances.map {
                Entry(configuration: $0.runner, runner: nil, state: DirectorStatus.VRRPInstanceStatus.notRunning,
                      lastTransition: nil, error: nil)
            })
        }

        func update(_ index: Int, _ body: (inout Entry) -> Void) {
            entries.withLock { body(&$0[index]) }
        }

        func statuses() -> [DirectorStatus.VRRPInstanceStatus] {
            let now = ContinuousClock.now
            return entries.withLock { entries in
                entries.map { entry in
                    let since = entry.lastTransition.map { now - $0 }
                    guard let runner = entry.runner else {
                        return DirectorStatus.VRRPInstanceStatus(
                            configuration: entry.configuration, state: entry.state, effectivePriority: nil,
                            master: nil, sinceTransition: since, statistics: VRRPRunnerStatistics(), error: entry.error)
                    }
                    return DirectorStatus.VRRPInstanceStatus(
                        configuration: entry.configuration, state: entry.state,
                        effectivePriority: runner.effectivePriority, master: runner.masterAddress,
                        sinceTransition: since, statistics: runner.statistics, error: nil)
                }
            }
        }
    }

    func run() async {
        let registry = Registry(plan)
        for item in plan.notRun {
            logger.warning("VRRP setting not run", metadata: ["at": "\(place(item.position))", "vrrp.block": "\(item.owner)",
                                                              "reason": "\(item.message)"])
        }
        await director.runVRRP(instances: Set(plan.instances.map(\.name)))
        await director.setVRRPStatusSource { registry.statuses() }
        await withDiscardingTaskGroup { group in
            for (index, instance) in plan.instances.enumerated() {
                group.addTask { await runInstance(instance, index: index, registry: registry) }
            }
        }
    }

    /// Opens the instance (again every ``retryInterval`` until it works), then runs it and
    /// forwards its state changes until cancelled.
    private func runInstance(_ instance: VRRPPlan.Instance, index: Int, registry: Registry) async {
        let metadata: Logger.Metadata = ["vrrp.instance": "\(instance.name)",
                                         "vrrp.vrid": "\(instance.runner.instance.virtualRouterID)",
                                         "vrrp.interface": "\(instance.runner.interface)"]
        var reportedError: String?
        while !Task.isCancelled {
            let runner: VRRPInstanceRunner<ContinuousClock>
            do {
                let configuration = try instance.sourceAddress.map { _ in instance.runner }
                    ?? instance.configuration(primaryAddress: Self.primaryAddress(of: instance.runner))
                runner = try VRRPInstanceRunner(configuration: configuration, clock: ContinuousClock())
                registry.update(index) {
                    $0.configuration = configuration
                    $0.runner = runner
                    $0.error = nil
                }
            } catch {
                let text = "\(error)"
                if text != reportedError {
                    reportedError = text
                    logger.error("VRRP instance cannot start; retrying every \(retryInterval)",
                                 metadata: metadata.merging(["error": "\(text)"]) { $1 })
                    registry.update(index) { $0.error = text }
                    await director.setInstanceState(instance.name, state: DirectorStatus.VRRPInstanceStatus.notRunning,
                                                    isMaster: false)
                }
                do { try await Task.sleep(for: retryInterval) } catch { return }
                continue
            }
            logger.notice("VRRP instance started", metadata: metadata.merging(
                ["vrrp.primary": "\(runner.configuration.primaryAddress)"]) { $1 })
            await withDiscardingTaskGroup { group in
                group.addTask { await runner.run() }
                for await change in runner.stateChanges {
                    registry.update(index) {
                        $0.state = change.to.description
                        $0.lastTransition = change.at
                    }
                    logger.notice("VRRP \(change.from) -> \(change.to)", metadata: metadata.merging(
                        ["vrrp.reason": "\(change.reason)"]) { $1 })
                    await director.setInstanceState(instance.name, state: change.to.description,
                                                    isMaster: change.to == .master)
                }
            }
            registry.update(index) { $0.state = "STOPPED" }
            return
        }
    }

    /// The interface's primary address of the instance's family: for IPv4 its first address
    /// that is none of the instance's virtual addresses (keepalived: the interface's primary
    /// IPv4 address), for IPv6 its first link-local address (RFC 5798 §5.1.2.1).
    static func primaryAddress(of configuration: VRRPRunnerConfiguration) throws -> VRRPAddress {
        let netlink = try RouteNetlink()
        let index = try netlink.interfaceIndex(configuration.interface)
        let family = configuration.instance.family
        let ours = Set(configuration.installedAddresses.map(\.address))
        let candidates = try netlink.addresses(family: family, interfaceIndex: index).map(\.address)
            .filter { !ours.contains($0) }
        let found = family == .ipv4
            ? candidates.first
            : candidates.first { $0.bytes[0] == 0xfe && $0.bytes[1] & 0xc0 == 0x80 }
        guard let found else { throw NoPrimaryAddress(interface: configuration.interface, family: family) }
        return found
    }

    struct NoPrimaryAddress: Error, CustomStringConvertible {
        var interface: String
        var family: VRRPAddressFamily
        var description: String {
            "interface \(interface) has no \(family == .ipv4 ? "IPv4" : "IPv6 link-local") address to send adverts from"
        }
    }
}
