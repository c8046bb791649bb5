#if canImport(Glibc)
import Glibc
#endif
import IPVSNetlink

/// 1,000 TCP services x 10 real servers programmed from empty with our batched
/// apply and with `ipvsadm -R`, then read back with `table()` and with
/// `ipvsadm -Sn`. Prints the figures side by side; asserts only correctness.
func runBenchmark(services: Int = 1000, destinations: Int = 10, rounds: Int = 3) -> Int32 {
    let handle: IPVSHandle
    do { handle = try IPVSHandle() } catch {
        print("benchmark: \(error)")
        return 1
    }
    var changes: [IPVSChange] = []
    var rules = ""
    for s in 0..<services {
        let vip = "10.20.\(s / 250).\(s % 250 + 1)"
        let key = IPVSServiceKey.address(.tcp, IPAddress(vip)!, port: 80)
        changes.append(.addService(IPVSService(key: key, scheduler: .weightedRoundRobin)))
        rules += "-A -t \(vip):80 -s wrr\n"
        for r in 0..<destinations {
            let rip = "10.30.\(s % 250).\(r + 1)"
            changes.append(.addDestination(IPVSDestination(address: IPAddress(rip)!, port: 8080, forwarding: .masquerade,
                                                           weight: 1), to: key))
            rules += "-a -t \(vip):80 -r \(rip):8080 -m -w 1\n"
        }
    }
    let objects = changes.count
    guard let file = fopen("/tmp/bench.rules", "w") else { return 1 }
    fputs(rules, file)
    fclose(file)

    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    func ms(_ seconds: Double) -> String {
        let v = (seconds * 10000).rounded() / 10
        return "\(v) ms"
    }

    var ourProgram: [Double] = [], theirProgram: [Double] = [], ourRead: [Double] = [], theirRead: [Double] = []
    for round in 1...rounds {
        do {
            try handle.flush()
            var t = now()
            let failures = handle.apply(changes).filter { if case .failure = $0 { true } else { false } }.count
            ourProgram.append(now() - t)
            guard failures == 0 else {
                print("benchmark: \(failures) of \(objects) changes failed")
                return 1
            }
            t = now()
            let table = try handle.table()
            ourRead.append(now() - t)
            let count = table.count + table.reduce(0) { $0 + $1.destinations.count }
            guard count == objects else {
                print("benchmark: read \(count) objects, expected \(objects)")
                return 1
            }
            t = now()
            let save = shell("ipvsadm -Sn > /tmp/bench.saved")
            theirRead.append(now() - t)
            guard save.status == 0 else { print("benchmark: ipvsadm -Sn failed: \(save.output)"); return 1 }

            try handle.flush()
            t = now()
            let restore = shell("ipvsadm -R < /tmp/bench.rules")
            theirProgram.append(now() - t)
            let after = try handle.table()
            let restored = after.count + after.reduce(0) { $0 + $1.destinations.count }
            guard restore.status == 0, restored == objects else {
                print("benchmark: ipvsadm -R exited \(restore.status), \(restored) objects: \(restore.output)")
                return 1
            }
            print("round \(round): apply \(ms(ourProgram.last!)), ipvsadm -R \(ms(theirProgram.last!)), "
                  + "table() \(ms(ourRead.last!)), ipvsadm -Sn \(ms(theirRead.last!))")
        } catch {
            print("benchmark: \(error)")
            return 1
        }
    }
    _ = try? handle.flush()
    let p = median(ourProgram) / median(theirProgram)
    let r = median(ourRead) / median(theirRead)
    print("IPVSNetlink benchmark: \(services) services x \(destinations) destinations = \(objects) objects, median of \(rounds)")
    print("  program from empty   IPVSHandle.apply \(ms(median(ourProgram)))   ipvsadm -R \(ms(median(theirProgram)))   ratio \(String(format2: p)) (target <= 0.3)")
    print("  read the whole table IPVSHandle.table \(ms(median(ourRead)))   ipvsadm -Sn \(ms(median(theirRead)))   ratio \(String(format2: r)) (target <= 0.5)")
    print("  (ipvsadm figures are whole processes started through /bin/sh; ours are calls in one process)")
    return 0
}

extension String {
    /// Two decimals without Foundation.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let frac = hundredths % 100
        self = "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
