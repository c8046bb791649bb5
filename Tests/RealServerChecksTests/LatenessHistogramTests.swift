import Testing
@testable import RealServerChecks

@Suite("Lateness histogram (engine timer accuracy)")
struct LatenessHistogramTests {
    @Test(arguments: [
        (Int64(0), 0), (9_999, 0), (10_000, 1), (9_999_999, 999), (10_000_000, 1000), (10_099_999, 1000),
        (10_100_000, 1001), (999_999_999, 10_899), (1_000_000_000, 10_900), (59_999_999_999, 16_799),
        (60_000_000_000, 16_800), (Int64.max, 16_800),
    ])
    func buckets(nanoseconds: Int64, bucket: Int) {
        #expect(LatenessHistogram.bucket(nanoseconds) == bucket)
    }

    @Test func percentilesAreUpperBucketEdgesCappedAtTheMaximum() {
        var histogram = LatenessHistogram()
        for micros in 1...100 { histogram.record(nanoseconds: Int64(micros) * 1000) }  // 1 µs ... 100 µs
        histogram.record(nanoseconds: 25_000_000)  // one probe 25 ms late
        let snapshot = histogram.snapshot
        #expect(snapshot.count == 101)
        #expect(snapshot.p50 == .microseconds(60))  // the 51st value, 51 µs, is in [50 µs, 60 µs)
        #expect(snapshot.p99 == .microseconds(110))  // the 100th, 100 µs, is in [100 µs, 110 µs)
        #expect(snapshot.p999 == .milliseconds(25))  // the 101st: 25 ms is a bucket edge, capped at the maximum
        #expect(snapshot.maximum == .milliseconds(25))
    }

    @Test func earlyStartsCountAsOnTimeAndAnEmptyHistogramReadsZero() {
        var histogram = LatenessHistogram()
        #expect(histogram.snapshot == LatenessSnapshot(count: 0, p50: .zero, p90: .zero, p99: .zero, p999: .zero, maximum: .zero))
        histogram.record(nanoseconds: -5_000)
        #expect(histogram.snapshot.maximum == .zero)
        #expect(histogram.snapshot.p50 == .zero)
    }
}
