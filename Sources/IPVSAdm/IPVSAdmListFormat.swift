/// The listing options of `ipvsadm -L` that change what is printed.
/// When several are given, ipvsadm's precedence applies: stats, rate,
/// thresholds, persistent-conn, tun-info, then the plain listing.
public struct IPVSAdmListFormat: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `-n, --numeric`: addresses and ports as numbers.
    public static let numeric = IPVSAdmListFormat(rawValue: 1 << 0)
    /// `--stats`: connection, packet and byte counters.
    public static let stats = IPVSAdmListFormat(rawValue: 1 << 1)
    /// `--rate`: per-second rates.
    public static let rate = IPVSAdmListFormat(rawValue: 1 << 2)
    /// `--thresholds`: upper and lower connection thresholds.
    public static let thresholds = IPVSAdmListFormat(rawValue: 1 << 3)
    /// `--persistent-conn`: persistent connection counts.
    public static let persistentConnections = IPVSAdmListFormat(rawValue: 1 << 4)
    /// `--nosort`: kernel order instead of ipvsadm's sort.
    public static let noSort = IPVSAdmListFormat(rawValue: 1 << 5)
    /// `--exact`: counters without K/M/G/T abbreviation.
    public static let exact = IPVSAdmListFormat(rawValue: 1 << 6)
    /// `--tun-info`: tunnel type, port and checksum option per real server.
    public static let tunnelInfo = IPVSAdmListFormat(rawValue: 1 << 7)
}
