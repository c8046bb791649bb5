/// Walks a command line the way libpopt does for ipvsadm's option table:
/// exact long names (`--name` or `--name=value`), clustered short options
/// (`-Ln`, `-t10.0.0.1:80`), an optional argument for `-p`, `--` ending
/// options, and any other word kept aside as a leftover argument.
struct OptionScanner {
    /// One entry of the option table.
    struct Spec {
        var long: String?
        var short: Character?
        var tag: OptionTag
        var argument: ArgumentKind
    }

    enum ArgumentKind {
        case none
        case required
        case optional
    }

    enum Event: Equatable {
        case option(OptionTag, String?)
        /// libpopt's error, with the word it names (poptBadOption) and its text (poptStrerror).
        case error(badOption: String, message: String)
        case end
    }

    private let args: [String]
    private var index = 0
    /// Remaining short options of the current cluster.
    private var cluster: Substring = ""
    private var clusterWord = ""
    private var onlyArguments = false
    /// Words that are not options, in order (poptGetArg).
    private(set) var leftovers: [String] = []
    /// The word of the last option returned, for "invalid option" messages.
    private(set) var lastWord = ""

    init(_ args: [String]) {
        self.args = args
    }

    mutating func next() -> Event {
        if !cluster.isEmpty { return nextShort() }
        while index < args.count {
            let word = args[index]
            index += 1
            if onlyArguments || word == "-" || !word.hasPrefix("-") {
                leftovers.append(word)
                continue
            }
            if word == "--" {
                onlyArguments = true
                continue
            }
            lastWord = word
            if word.hasPrefix("--") {
                return long(word)
            }
            cluster = word.dropFirst()
            clusterWord = word
            return nextShort()
        }
        return .end
    }

    private mutating func long(_ word: String) -> Event {
        let body = word.dropFirst(2)
        let name: Substring
        var inline: String?
        if let eq = body.firstIndex(of: "=") {
            name = body[..<eq]
            inline = String(body[body.index(after: eq)...])
        } else {
            name = body
        }
        guard let spec = Self.byLong[String(name)] else {
            return .error(badOption: word, message: "unknown option")
        }
        switch spec.argument {
        case .none:
            if inline != nil { return .error(badOption: word, message: "option does not take an argument") }
            return .option(spec.tag, nil)
        case .required:
            if let inline { return .option(spec.tag, inline) }
            guard index < args.count else { return .error(badOption: word, message: "missing argument") }
            index += 1
            return .option(spec.tag, args[index - 1])
        case .optional:
            if let inline { return .option(spec.tag, inline) }
            if index < args.count, !args[index].hasPrefix("-") {
                index += 1
                return .option(spec.tag, args[index - 1])
            }
            return .option(spec.tag, nil)
        }
    }

    private mutating func nextShort() -> Event {
        lastWord = clusterWord
        let spec: Spec?
        let utf8 = cluster.utf8
        let first = utf8[utf8.startIndex]
        let second = utf8.index(after: utf8.startIndex)
        // An ASCII letter followed by ASCII (or nothing) is one Character, CR LF aside:
        // look it up without grapheme breaking and String hashing.
        if first < 0x80, second == utf8.endIndex || (utf8[second] < 0x80 && !(first == 0x0D && utf8[second] == 0x0A)) {
            cluster = cluster[second...]
            spec = Self.byShortASCII[Int(first)]
        } else {
            spec = Self.byShort[cluster.removeFirst()]
        }
        guard let spec else {
            cluster = ""
            return .error(badOption: clusterWord, message: "unknown option")
        }
        switch spec.argument {
        case .none:
            return .option(spec.tag, nil)
        case .required, .optional:
            if !cluster.isEmpty {
                let value = String(cluster)
                cluster = ""
                return .option(spec.tag, value)
            }
            if spec.argument == .optional {
                if index < args.count, !args[index].hasPrefix("-") {
                    index += 1
                    return .option(spec.tag, args[index - 1])
                }
                return .option(spec.tag, nil)
            }
            guard index < args.count else { return .error(badOption: clusterWord, message: "missing argument") }
            index += 1
            return .option(spec.tag, args[index - 1])
        }
    }

    static let byLong: [String: Spec] = Dictionary(
        table.compactMap { spec in spec.long.map { ($0, spec) } }, uniquingKeysWith: { first, _ in first })
    static let byShort: [Character: Spec] = Dictionary(
        table.compactMap { spec in spec.short.map { ($0, spec) } }, uniquingKeysWith: { first, _ in first })

    /// `byShort` for ASCII letters, indexed by the byte.
    static let byShortASCII: [Spec?] = (0..<128).map { byte in byShort[Character(Unicode.Scalar(UInt8(byte)))] }

    /// ipvsadm 1.31's option table.
    static let table: [Spec] = [
        Spec(long: "add-service", short: "A", tag: .addService, argument: .none),
        Spec(long: "edit-service", short: "E", tag: .editService, argument: .none),
        Spec(long: "delete-service", short: "D", tag: .deleteService, argument: .none),
        Spec(long: "clear", short: "C", tag: .clear, argument: .none),
        Spec(long: "list", short: "L", tag: .list, argument: .none),
        Spec(long: nil, short: "l", tag: .list, argument: .none),
        Spec(long: "zero", short: "Z", tag: .zero, argument: .none),
        Spec(long: "add-server", short: "a", tag: .addServer, argument: .none),
        Spec(long: "edit-server", short: "e", tag: .editServer, argument: .none),
        Spec(long: "delete-server", short: "d", tag: .deleteServer, argument: .none),
        Spec(long: "set", short: nil, tag: .set, argument: .none),
        Spec(long: "help", short: "h", tag: .help, argument: .none),
        Spec(long: "version", short: "v", tag: .version, argument: .none),
        Spec(long: "restore", short: "R", tag: .restore, argument: .none),
        Spec(long: "save", short: "S", tag: .save, argument: .none),
        Spec(long: "start-daemon", short: nil, tag: .startDaemon, argument: .required),
        Spec(long: "stop-daemon", short: nil, tag: .stopDaemon, argument: .required),
        Spec(long: "tcp-service", short: "t", tag: .tcpService, argument: .required),
        Spec(long: "udp-service", short: "u", tag: .udpService, argument: .required),
        Spec(long: "sctp-service", short: nil, tag: .sctpService, argument: .required),
        Spec(long: "fwmark-service", short: "f", tag: .fwmarkService, argument: .required),
        Spec(long: "scheduler", short: "s", tag: .scheduler, argument: .required),
        Spec(long: "persistent", short: "p", tag: .persistent, argument: .optional),
        Spec(long: "netmask", short: "M", tag: .netmask, argument: .required),
        Spec(long: "real-server", short: "r", tag: .realServer, argument: .required),
        Spec(long: "masquerading", short: "m", tag: .masquerading, argument: .none),
        Spec(long: "ipip", short: "i", tag: .ipip, argument: .none),
        Spec(long: "gatewaying", short: "g", tag: .gatewaying, argument: .none),
        Spec(long: "weight", short: "w", tag: .weight, argument: .required),
        Spec(long: "u-threshold", short: "x", tag: .upperThreshold, argument: .required),
        Spec(long: "l-threshold", short: "y", tag: .lowerThreshold, argument: .required),
        Spec(long: "numeric", short: "n", tag: .numeric, argument: .none),
        Spec(long: "connection", short: "c", tag: .connection, argument: .none),
        Spec(long: "mcast-interface", short: nil, tag: .mcastInterface, argument: .required),
        Spec(long: "syncid", short: nil, tag: .syncID, argument: .required),
        Spec(long: "timeout", short: nil, tag: .timeout, argument: .none),
        Spec(long: "daemon", short: nil, tag: .daemon, argument: .none),
        Spec(long: "stats", short: nil, tag: .stats, argument: .none),
        Spec(long: "rate", short: nil, tag: .rate, argument: .none),
        Spec(long: "thresholds", short: nil, tag: .thresholds, argument: .none),
        Spec(long: "persistent-conn", short: nil, tag: .persistentConn, argument: .none),
        Spec(long: "nosort", short: nil, tag: .noSort, argument: .none),
        Spec(long: "sort", short: nil, tag: .sort, argument: .none),
        Spec(long: "exact", short: "X", tag: .exact, argument: .none),
        Spec(long: "ipv6", short: "6", tag: .ipv6, argument: .none),
        Spec(long: "ops", short: "o", tag: .ops, argument: .none),
        Spec(long: "pe", short: nil, tag: .persistenceEngine, argument: .required),
        Spec(long: "sched-flags", short: "b", tag: .schedFlags, argument: .required),
        Spec(long: "mcast-group", short: nil, tag: .mcastGroup, argument: .required),
        Spec(long: "mcast-port", short: nil, tag: .mcastPort, argument: .required),
        Spec(long: "mcast-ttl", short: nil, tag: .mcastTTL, argument: .required),
        Spec(long: "sync-maxlen", short: nil, tag: .syncMaxLen, argument: .required),
        Spec(long: "tun-info", short: nil, tag: .tunInfo, argument: .none),
        Spec(long: "tun-type", short: nil, tag: .tunType, argument: .required),
        Spec(long: "tun-port", short: nil, tag: .tunPort, argument: .required),
        Spec(long: "tun-nocsum", short: nil, tag: .tunNoCsum, argument: .none),
        Spec(long: "tun-csum", short: nil, tag: .tunCsum, argument: .none),
        Spec(long: "tun-remcsum", short: nil, tag: .tunRemCsum, argument: .none),
    ]
}

/// What each option of the table means.
enum OptionTag: Hashable {
    case addService, editService, deleteService, clear, list, zero, addServer, editServer, deleteServer
    case set, help, version, restore, save, startDaemon, stopDaemon
    case tcpService, udpService, sctpService, fwmarkService, scheduler, persistent, netmask, realServer
    case masquerading, ipip, gatewaying, weight, upperThreshold, lowerThreshold, numeric, connection
    case mcastInterface, syncID, timeout, daemon, stats, rate, thresholds, persistentConn, noSort, sort
    case exact, ipv6, ops, persistenceEngine, schedFlags, mcastGroup, mcastPort, mcastTTL, syncMaxLen
    case tunInfo, tunType, tunPort, tunNoCsum, tunCsum, tunRemCsum
}
