/// Why a VRRP message did not decode. Every case names the field or the byte count, so a log
/// line or a counter can say exactly what was wrong.
public enum VRRPDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The message ended inside `field`; `offset` is where that field starts.
    case truncated(field: VRRPField, offset: Int)
    /// The version nibble is neither 2 nor 3.
    case badVersion(UInt8)
    /// The message is longer than its header says (`expected` bytes from the address count).
    case trailingBytes(expected: Int, actual: Int)
    /// The checksum in the message (`actual`) is not the one computed over it (`expected`).
    case checksumMismatch(expected: UInt16, actual: UInt16)
    /// The envelope's source and destination are of different families.
    case familyMismatch(source: VRRPAddressFamily, destination: VRRPAddressFamily)

    public var description: String {
        switch self {
        case .truncated(let field, let offset): "VRRP message truncated in \(field) at byte \(offset)"
        case .badVersion(let v): "VRRP version \(v) is not 2 or 3"
        case .trailingBytes(let expected, let actual):
            "VRRP message is \(actual) bytes, its header says \(expected)"
        case .checksumMismatch(let expected, let actual):
            "VRRP checksum 0x\(String(actual, radix: 16)) should be 0x\(String(expected, radix: 16))"
        case .familyMismatch(let s, let d): "source is \(s) but destination is \(d)"
        }
    }
}

/// Why a ``VRRPPacket`` could not be encoded.
public enum VRRPEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// More than 255 addresses.
    case tooManyAddresses(Int)
    /// An address of another family than the envelope's (`index` into ``VRRPPacket/addresses``).
    case addressFamilyMismatch(index: Int, expected: VRRPAddressFamily)
    /// The envelope's source and destination are of different families.
    case familyMismatch(source: VRRPAddressFamily, destination: VRRPAddressFamily)
    /// The interval does not fit: 255 seconds for version 2, 4095 centiseconds for version 3.
    case advertisementIntervalOutOfRange(UInt16, version: VRRPVersion)

    public var description: String {
        switch self {
        case .tooManyAddresses(let n): "\(n) addresses, at most 255 fit in a VRRP message"
        case .addressFamilyMismatch(let index, let expected): "address \(index) is not \(expected)"
        case .familyMismatch(let s, let d): "source is \(s) but destination is \(d)"
        case .advertisementIntervalOutOfRange(let value, let version):
            "advertisement interval \(value) does not fit \(version) (max \(version == .v2 ? 255 : 4095))"
        }
    }
}

/// A field of the VRRP message, for positioned errors.
public enum VRRPField: Hashable, Sendable, CustomStringConvertible {
    case versionAndType
    case virtualRouterID
    case priority
    case addressCount
    /// Auth Type and Adver Int (version 2) or Rsvd and Max Adver Int (version 3).
    case advertisementInterval
    case checksum
    /// The address at this index (0-based).
    case address(Int)
    case authenticationData

    public var description: String {
        switch self {
        case .versionAndType: "version/type"
        case .virtualRouterID: "virtual router id"
        case .priority: "priority"
        case .addressCount: "address count"
        case .advertisementInterval: "advertisement interval"
        case .checksum: "checksum"
        case .address(let i): "address \(i)"
        case .authenticationData: "authentication data"
        }
    }
}
