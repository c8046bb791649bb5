import IPVSNetlink

/// A short fingerprint of the destination lists a virtual server's services have in the
/// kernel, in the kernel's order: what `mh` builds its lookup table from. Directors behind
/// ECMP must hold identical lists (same real servers, same order, failed ones at weight 0) so
/// that each sends a flow to the same real server; `lvsctl status` shows this digest on each
/// so that operators can compare them at a glance.
///
/// The digest is 64-bit FNV-1a over one line per service (`tcp:10.0.0.1:80 mh flags 48`: the
/// scheduler flags, `mh-port` and `mh-fallback`, change the lookup) and one per
/// destination (`192.168.1.2:80 route w1`), as 16 hex digits. It is not a security hash.
public enum DestinationDigest {
    /// The digest of `keys`' entries in `table`; nil when the kernel lacks one of them.
    public static func digest(of keys: [IPVSServiceKey], in table: [IPVSServiceKey: IPVSServiceEntry]) -> String? {
        var text = ""
        for key in keys {
            guard let entry = table[key] else { return nil }
            text += "\(key) \(entry.service.scheduler) flags \(entry.service.flags.rawValue)\n"
            for d in entry.destinations {
                text += "\(Director.endpoint(d.address, d.port)) \(d.forwarding) w\(d.weight)\n"
            }
        }
        return hex(fnv1a(Array(text.utf8)))
    }

    /// FNV-1a, 64 bits (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
