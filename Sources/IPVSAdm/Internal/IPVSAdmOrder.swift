import IPVSNetlink

/// ipvsadm's listing order, quirks included.
///
/// ipvsadm sorts with qsort(3) and comparators that subtract 32-bit unsigned
/// values and read the difference as a signed int. The difference wraps, so
/// 10.0.0.1 sorts *after* 200.0.0.1 (0x0A000001 - 0xC8000001 wraps to a
/// positive int) and the order is not even transitive. glibc's qsort is a
/// top-down merge sort (Debian 12, glibc 2.36), whose result with such a
/// comparator depends on the exact merge steps, so both are reproduced here.
enum IPVSAdmOrder {
    /// Sorts like ipvsadm's service listing (firewall mark, family, protocol, address, port).
    static func services(_ entries: [IPVSServiceEntry]) -> [IPVSServiceEntry] {
        let keys = entries.map { SortKey($0.service.key) }
        return mergeSorted(Array(entries.indices)) { compare(keys[$0], keys[$1]) }.map { entries[$0] }
    }

    /// Sorts like ipvsadm's real-server listing (address, then port).
    static func destinations(_ destinations: [IPVSDestination]) -> [IPVSDestination] {
        let keys = destinations.map { DestinationKey($0) }
        return mergeSorted(Array(destinations.indices)) { compare(keys[$0], keys[$1]) }.map { destinations[$0] }
    }

    struct SortKey {
        var fwmark: UInt32
        var family: UInt16
        var proto: UInt16
        var words: Words
        var port: UInt16

        init(_ key: IPVSServiceKey) {
            switch key {
            case .address(let proto, let address, let port):
                fwmark = 0
                family = address.family.rawValue
                self.proto = proto.rawValue
                words = Self.words(address)
                self.port = port
            case .firewallMark(let mark, let family):
                fwmark = mark
                self.family = family.rawValue
                proto = 0
                words = Words()
                port = 0
            }
        }

        /// The address as four host-order words, an IPv4 address in the first one
        /// and zeros after it (the kernel's `union nf_inet_addr`).
        static func words(_ address: IPAddress) -> Words {
            let b = address.bytes
            func word(_ i: Int) -> UInt32 {
                guard i * 4 + 3 < b.count else { return 0 }
                return UInt32(b[i * 4]) << 24 | UInt32(b[i * 4 + 1]) << 16 | UInt32(b[i * 4 + 2]) << 8
                    | UInt32(b[i * 4 + 3])
            }
            return Words(w0: word(0), w1: word(1), w2: word(2), w3: word(3))
        }
    }

    /// Four host-order words of an address.
    struct Words {
        var w0: UInt32 = 0
        var w1: UInt32 = 0
        var w2: UInt32 = 0
        var w3: UInt32 = 0
    }

    struct DestinationKey {
        var isIPv6: Bool
        var words: Words
        var port: UInt16

        init(_ destination: IPVSDestination) {
            isIPv6 = destination.address.family == .inet6
            words = SortKey.words(destination.address)
            port = destination.port
        }
    }

    /// `(int)(a - b)` on two unsigned 32-bit values.
    static func wrappedDifference(_ a: UInt32, _ b: UInt32) -> Int32 {
        Int32(bitPattern: a &- b)
    }

    static func addressDifference(_ a: Words, _ b: Words, ipv6: Bool) -> Int32 {
        var r = wrappedDifference(a.w0, b.w0)
        guard ipv6, r == 0 else { return r }
        r = wrappedDifference(a.w1, b.w1)
        if r != 0 { return r }
        r = wrappedDifference(a.w2, b.w2)
        if r != 0 { return r }
        return wrappedDifference(a.w3, b.w3)
    }

    static func compare(_ a: SortKey, _ b: SortKey) -> Int32 {
        var r = wrappedDifference(a.fwmark, b.fwmark)
        if r != 0 { return r }
        r = Int32(a.family) - Int32(b.family)
        if r != 0 { return r }
        r = Int32(a.proto) - Int32(b.proto)
        if r != 0 { return r }
        r = addressDifference(a.words, b.words, ipv6: a.family == AddressFamily.inet6.rawValue)
        if r != 0 { return r }
        return Int32(a.port) - Int32(b.port)
    }

    static func compare(_ a: DestinationKey, _ b: DestinationKey) -> Int32 {
        let r = addressDifference(a.words, b.words, ipv6: a.isIPv6)
        if r != 0 { return r }
        return Int32(a.port) - Int32(b.port)
    }

    /// glibc's msort: split at n/2, sort both halves, merge taking from the
    /// left run while `compare(left, right) <= 0`.
    static func mergeSorted<T>(_ items: [T], _ compare: (T, T) -> Int32) -> [T] {
        var items = items
        var scratch = items
        sortRange(&items, &scratch, 0, items.count, compare)
        return items
    }

    private static func sortRange<T>(_ items: inout [T], _ scratch: inout [T], _ start: Int, _ count: Int,
                                     _ compare: (T, T) -> Int32) {
        guard count > 1 else { return }
        let n1 = count / 2
        let n2 = count - n1
        sortRange(&items, &scratch, start, n1, compare)
        sortRange(&items, &scratch, start + n1, n2, compare)
        var left = start, right = start + n1, out = 0
        let leftEnd = start + n1, rightEnd = start + count
        while left < leftEnd && right < rightEnd {
            if compare(items[left], items[right]) <= 0 {
                scratch[out] = items[left]
                left += 1
            } else {
                scratch[out] = items[right]
                right += 1
            }
            out += 1
        }
        while left < leftEnd {
            scratch[out] = items[left]
            left += 1
            out += 1
        }
        // What is left of the right run is already in place.
        for i in 0..<out { items[start + i] = scratch[i] }
    }
}
