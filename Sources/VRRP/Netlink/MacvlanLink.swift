/// A macvlan link to create (`ip link add ... type macvlan`).
public struct MacvlanLink: Hashable, Sendable {
    /// MACVLAN_MODE_* (linux/if_link.h).
    public struct Mode: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// Frames between macvlans of the same lower link are dropped. MACVLAN_MODE_PRIVATE;
        /// keepalived's VMACs use it.
        public static let `private` = Mode(rawValue: 1)
        /// MACVLAN_MODE_VEPA
        public static let vepa = Mode(rawValue: 2)
        /// MACVLAN_MODE_BRIDGE
        public static let bridge = Mode(rawValue: 4)
        /// MACVLAN_MODE_PASSTHRU
        public static let passthrough = Mode(rawValue: 8)
    }

    public var name: String
    /// The lower link's index (IFLA_LINK).
    public var parentIndex: UInt32
    /// Six bytes.
    public var hardwareAddress: [UInt8]
    public var mode: Mode

    public init(name: String, parentIndex: UInt32, hardwareAddress: [UInt8], mode: Mode = .private) {
        self.name = name
        self.parentIndex = parentIndex
        self.hardwareAddress = hardwareAddress
        self.mode = mode
    }
}
