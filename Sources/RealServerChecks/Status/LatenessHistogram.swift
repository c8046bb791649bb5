/// How late probes started against their schedule, in fixed buckets: recording is an index
/// computation and an increment, and allocates nothing.
///
/// Buckets: 10 µs wide below 10 ms, 100 µs below 1 s, 10 ms below 60 s, then one overflow
/// bucket. A percentile reads as the upper edge of its bucket, so it never understates.
struct LatenessHistogram: Sendable {
    private static let tiers: [(width: Int64, end: Int64)] = [
        (10_000, 10_000_000), (100_000, 1_000_000_000), (10_000_000, 60_000_000_000),
    ]
    private static let bucketCount: Int = {
        var start: Int64 = 0
        var count = 0
        for tier in tiers {
            count += Int((tier.end - start) / tier.width)
            start = tier.end
        }
        return count + 1
    }()

    private var counts = [Int](repeating: 0, count: LatenessHistogram.bucketCount)
    private(set) var count = 0
    private(set) var maximum: Int64 = 0

    /// Records a lateness in nanoseconds; an early start counts as on time.
    mutating func record(nanoseconds: Int64) {
        let value = max(0, nanoseconds)
        counts[Self.bucket(value)] += 1
        count += 1
        maximum = max(maximum, value)
    }

    static func bucket(_ value: Int64) -> Int {
        var start: Int64 = 0
        var index = 0
        for tier in tiers {
            if value < tier.end { return index + Int((value - start) / tier.width) }
            index += Int((tier.end - start) / tier.width)
            start = tier.end
        }
        return index
    }

    /// The upper edge of `bucket`, in nanoseconds (the overflow bucket reads as the maximum seen).
    private func upperEdge(_ bucket: Int) -> Int64 {
        var start: Int64 = 0
        var index = 0
        for tier in Self.tiers {
            let n = Int((tier.end - start) / tier.width)
            if bucket < index + n { return start + Int64(bucket - index + 1) * tier.width }
            index += n
            start = tier.end
        }
        return maximum
    }

    /// The smallest bucket edge at or above a fraction `p` (0...1) of the recorded values.
    func percentile(_ p: Double) -> Int64 {
        guard count > 0 else { return 0 }
        let rank = max(1, Int((Double(count) * p).rounded(.up)))
        var seen = 0
        for (bucket, n) in counts.enumerated() where n > 0 {
            seen += n
            if seen >= rank { return min(upperEdge(bucket), maximum) }
        }
        return maximum
    }

    var snapshot: LatenessSnapshot {
        LatenessSnapshot(
            count: count, p50: .nanoseconds(percentile(0.5)), p90: .nanoseconds(percentile(0.9)),
            p99: .nanoseconds(percentile(0.99)), p999: .nanoseconds(percentile(0.999)), maximum: .nanoseconds(maximum))
    }
}
