/// `authentication { auth_type PASS|AH; auth_pass SECRET }` (VRRP version 2 only).
///
/// keepalived keeps at most 8 bytes of the secret (vrrp_parser.c, vrrp_auth_pass_handler:
/// "Truncating auth_pass to 8 characters"); ``secret`` holds what keepalived keeps.
public struct VRRPAuthentication: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// `PASS`: the secret travels in clear in every advertisement.
        case password = "PASS"
        /// `AH`: IPsec AH (keepalived's own implementation of RFC 2402 for VRRP). lvsd's VRRP
        /// does not implement it; Director's start-up check makes an instance using it an error.
        case ipsecAH = "AH"
    }

    public internal(set) var kind: Kind
    /// At most 8 bytes.
    public internal(set) var secret: [UInt8]
    /// Where `auth_type` is written.
    public internal(set) var typePosition: SourcePosition?

    /// The largest secret keepalived sends (sizeof vrrp_t.auth_data, VRRP_AUTH_LEN).
    static let maximumSecretLength = 8
}
