// The IPVSNetlink kernel suite. Runs inside the VM (scripts/vm/run), against
// the stock Debian kernel's IPVS, with Debian's ipvsadm as the reference.
//   ipvs-kernel-suite            every scenario; prints "N passed, M failed"
//   ipvs-kernel-suite bench      the 1,000 x 10 benchmark against ipvsadm
#if canImport(Glibc)
import Glibc
#endif
import IPVSNetlink

let arguments = CommandLine.arguments.dropFirst()

if arguments.first == "bench" {
    exit(runBenchmark())
}

// First, as on a kernel without IPVS: every ip_vs module unloaded and module
// auto-loading off (generic netlink would otherwise load ip_vs on demand when
// the family is looked up). Opening a handle must fail clearly. Done before
// anything uses IPVS, since namespaces deleted later keep ip_vs busy for a
// while. Then the same modules are loaded again.
var passed = 0
var failed = 0
let only = arguments.first
if only == nil || "IPVS not available".contains(only!) {
    let modules = shell("lsmod | awk '/^ip_vs/ {print $1}'").output.split(separator: "\n").map(String.init)
    let modprobe = shell("cat /proc/sys/kernel/modprobe").output.trimmingWhitespace
    let unload = shell("echo /bin/false > /proc/sys/kernel/modprobe; for m in \(modules.filter { $0 != "ip_vs" }.joined(separator: " ")); do rmmod $m; done; rmmod ip_vs")
    do {
        _ = try IPVSHandle()
        failed += 1
        print("FAIL IPVS not available: opening a handle succeeded after unloading (\(unload.output))")
    } catch {
        if error.code == .notAvailable, "\(error)".contains("IPVS is not available: load the ip_vs kernel module (modprobe ip_vs)") {
            passed += 1
            print("PASS IPVS not available: \(error)")
        } else {
            failed += 1
            print("FAIL IPVS not available: \(error) (\(unload.output))")
        }
    }
    let reload = shell("echo \(modprobe) > /proc/sys/kernel/modprobe; for m in \(modules.joined(separator: " ")); do modprobe $m || exit 1; done")
    if reload.status != 0 { print("cannot reload IPVS modules: \(reload.output)") }
}

let handle: IPVSHandle
do {
    handle = try IPVSHandle()
} catch {
    print("FAIL open handle: \(error)")
    print("\(passed) passed, \(failed + 1) failed")
    exit(1)
}

for scenario in scenarios where only == nil || scenario.name.contains(only!) {
    do {
        try handle.flush()
        let start = now()
        try scenario.body(handle)
        try compareWithIPVSAdm(handle)
        passed += 1
        print("PASS \(scenario.name) (\(Int((now() - start) * 1000)) ms)")
    } catch {
        failed += 1
        print("FAIL \(scenario.name): \(error)")
    }
}
_ = try? handle.flush()

print("\(passed) passed, \(failed) failed")
exit(failed == 0 ? 0 : 1)
