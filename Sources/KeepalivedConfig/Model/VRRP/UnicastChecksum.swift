/// Which destination a VRRPv3 advert over IPv4 puts in its checksum's pseudo-header when it
/// is sent to unicast peers: `old_unicast_checksum [never]` (vrrp_parser.c
/// vrrp_unicast_chksum_handler; keepalived's `unicast_chksum_compat`, vrrp.c
/// vrrp_build_vrrp_v3 and vrrp_check_packet). keepalived up to 1.3.6 put the multicast
/// group there (global_defs `vrrp_mcast_group4`, 224.0.0.18 by default) even for unicast.
/// VRRPv2 and IPv6 adverts are not affected. The VRRP target's codec computes both
/// (`VRRPv3IPv4Checksum.pseudoHeader`, `.pseudoHeaderWithMulticastGroup`).
public enum UnicastChecksum: Sendable, Hashable {
    /// Not written: the peer's address, switching to the old way for good when an advert
    /// with the old checksum arrives (CHKSUM_COMPATIBILITY_NONE, then _AUTO).
    case automatic
    /// `old_unicast_checksum never`: the peer's address, never switching
    /// (CHKSUM_COMPATIBILITY_NEVER).
    case never
    /// `old_unicast_checksum`: the multicast group, from the start
    /// (CHKSUM_COMPATIBILITY_CONFIG).
    case old
}
