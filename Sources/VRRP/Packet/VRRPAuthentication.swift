/// VRRPv2 authentication (RFC 2338 §5.3.6 and §5.3.10; RFC 3768 keeps the two fields but
/// deprecates their use). keepalived `authentication { auth_type; auth_pass }`.
///
/// Over IPv4 every VRRPv2 message carries the 8 Authentication Data bytes, zero when there is
/// no authentication; VRRPv3 and VRRPv2 over IPv6 carry neither field.
public struct VRRPAuthentication: Hashable, Sendable, CustomStringConvertible {
    /// Auth Type.
    public var type: VRRPAuthType
    /// Authentication Data, exactly ``dataLength`` bytes.
    public private(set) var data: [UInt8]

    /// Bytes of Authentication Data on the wire. keepalived `VRRP_AUTH_LEN`.
    public static let dataLength = 8

    /// Creates authentication of a type with its data, zero-padded or cut to 8 bytes.
    public init(type: VRRPAuthType, data: some Collection<UInt8>) {
        self.type = type
        var bytes = Array(data.prefix(Self.dataLength))
        bytes.append(contentsOf: repeatElement(0, count: Self.dataLength - bytes.count))
        self.data = bytes
    }

    /// No authentication: type 0, zero data.
    public static let none = VRRPAuthentication(type: .none, data: [])

    /// Simple text password (`auth_type PASS`): the first 8 bytes of `password`, zero-padded,
    /// as keepalived keeps "only the first eight (8) characters".
    public static func password(_ password: String) -> VRRPAuthentication {
        VRRPAuthentication(type: .simplePassword, data: Array(password.utf8))
    }

    public var description: String {
        switch type {
        case .none: "none"
        case .simplePassword: "PASS"
        default: "\(type)"
        }
    }
}

/// Auth Type (an open set; validation rejects unknown types).
public struct VRRPAuthType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 0: no authentication. keepalived `VRRP_AUTH_NONE`.
    public static let none = VRRPAuthType(rawValue: 0)
    /// 1: simple text password. keepalived `VRRP_AUTH_PASS`.
    public static let simplePassword = VRRPAuthType(rawValue: 1)
    /// 2: IP Authentication Header (RFC 2338; not supported here). keepalived `VRRP_AUTH_AH`.
    public static let ipAuthenticationHeader = VRRPAuthType(rawValue: 2)

    public var description: String {
        switch self {
        case .none: "none"
        case .simplePassword: "PASS"
        case .ipAuthenticationHeader: "AH"
        default: "auth type \(rawValue)"
        }
    }
}
