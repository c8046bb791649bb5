/// ipvsadm's option bookkeeping: the option names used in messages, in
/// ipvsadm's bit order, and which options each command requires, forbids or
/// allows only one of.
enum OptionRules {
    /// Index = ipvsadm's option bit.
    static let names = [
        "numeric", "connection", "service-address", "scheduler", "persistent", "netmask", "real-server",
        "forwarding-method", "weight", "u-threshold", "l-threshold", "mcast-interface", "timeout", "daemon",
        "stats", "rate", "thresholds", "persistent-conn", "nosort", "syncid", "exact", "ops", "pe",
        "sched-flags", "mcast-group", "mcast-port", "mcast-ttl", "sync-maxlen", "tun-info", "tun-type",
        "tun-port", "tun-nocsum", "tun-csum", "tun-remcsum",
    ]

    enum Bit: Int {
        case numeric = 0, connection, service, scheduler, persistent, netmask, server, forward, weight
        case upperThreshold, lowerThreshold, mcast, timeout, daemon, stats, rate, thresholds, persistentConn
        case noSort, syncID, exact, ops, persistenceEngine, schedFlags, mcastGroup, mcastPort, mcastTTL
        case syncMaxLen, tunInfo, tunType, tunPort, tunNoCsum, tunCsum, tunRemCsum
    }

    enum Command: Int {
        case add = 0, edit, delete, flush, list, addServer, deleteServer, editServer, timeout, startDaemon
        case stopDaemon, restore, save, zero

        var name: String {
            ["add-service", "edit-service", "delete-service", "flush", "list", "add-server", "delete-server",
             "edit-server", "set", "start-daemon", "stop-daemon", "restore", "save", "zero"][rawValue]
        }
    }

    /// Per command, one character per option bit: "+" required, "x" illegal,
    /// "1" at most one of the "1"s, " " optional.
    static let legal: [String] = [
        "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx", // add-service
        "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx", // edit-service
        "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", // delete-service
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", // flush
        " 11xxxxxxxxx11       xxxxxxx xxxxx", // list
        "xx+xxx+    xxxxxxxxxxxxxxxxxx     ", // add-server
        "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx", // delete-server
        "xx+xxx+    xxxxxxxxxxxxxxxxxx     ", // edit-server
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", // set
        "xxxxxxxxxxx xxxxxxx xxxx    xxxxxx", // start-daemon
        "xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx", // stop-daemon
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", // restore
        " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", // save
        "xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", // zero
    ]
    static let legalRows: [[UInt8]] = legal.map { Array($0.utf8) }
    static let tunnelRows: [[UInt8]] = tunnelLegal.map { Array($0.utf8) }

    /// ipvsadm's generic_opt_check.
    static func check(_ command: Command, _ options: OptionBits) throws(IPVSAdmUsageError) {
        let row = legalRows[command.rawValue]
        var lastExclusive: Int?
        for bit in 0..<names.count {
            let rule = row[bit]
            if !options.contains(bit) {
                if rule == UInt8(ascii: "+") {
                    throw .fail("You need to supply the '\(names[bit])' option for the '\(command.name)' command")
                }
                continue
            }
            if rule == UInt8(ascii: "x") {
                throw .fail("Illegal '\(names[bit])' option with the '\(command.name)' command")
            }
            if rule == UInt8(ascii: "1") {
                if let last = lastExclusive {
                    throw .fail("The option '\(names[bit])' conflicts with the '\(names[last])' option in the "
                        + "'\(command.name)' command")
                }
                lastExclusive = bit
            }
        }
    }

    /// Tunnel options per tunnel type, for tun-port, tun-nocsum, tun-csum, tun-remcsum.
    static let tunnelLegal: [String] = [
        "xxxx", // ipip
        "+111", // gue
        "x11x", // gre
    ]
    static let tunnelBits: [Bit] = [.tunPort, .tunNoCsum, .tunCsum, .tunRemCsum]
    static let tunnelNames = ["ipip", "gue", "gre"]

    /// ipvsadm's tunnel_opt_check.
    static func checkTunnel(_ type: Int, _ options: OptionBits) throws(IPVSAdmUsageError) {
        let row = tunnelRows[type]
        var lastExclusive: Int?
        for (j, bit) in tunnelBits.enumerated() {
            let k = bit.rawValue
            if !options.contains(k) {
                if row[j] == UInt8(ascii: "+") {
                    throw .fail("You need to supply the '\(names[k])' option for the '\(tunnelNames[type])' tunnel type")
                }
                continue
            }
            if row[j] == UInt8(ascii: "x") {
                throw .fail("Illegal '\(names[k])' option with the '\(tunnelNames[type])' tunnel type")
            }
            if row[j] == UInt8(ascii: "1") {
                if let last = lastExclusive {
                    throw .fail("The option '\(names[k])' conflicts with the '\(names[last])' option in the "
                        + "'\(tunnelNames[type])' tunnel type")
                }
                lastExclusive = k
            }
        }
    }
}

/// The options given so far, one bit per ipvsadm option.
struct OptionBits: Equatable {
    var raw: UInt64 = 0
    func contains(_ bit: Int) -> Bool { raw & (1 << UInt64(bit)) != 0 }
    mutating func insert(_ bit: Int) { raw |= 1 << UInt64(bit) }
}
