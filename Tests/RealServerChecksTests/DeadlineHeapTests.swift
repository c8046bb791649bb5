import Testing
import TestSupport
@testable import RealServerChecks

@Suite("DeadlineHeap (the connect loop's timer queue)")
struct DeadlineHeapTests {
    @Test(arguments: [1, 2, 7, 1000])
    func popsInDeadlineOrderAndOnlyWhenDue(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var heap = DeadlineHeap()
        var inserted: [Int64] = []
        for payload in 0..<500 {
            let deadline = Int64.random(in: 0..<200, using: &random)
            heap.insert(deadline: deadline, payload: payload)
            inserted.append(deadline)
        }
        #expect(heap.popDue(now: -1) == nil)
        var popped: [Int64] = []
        for now in stride(from: Int64(0), through: 200, by: 10) {
            while let entry = heap.popDue(now: now) {
                #expect(entry.deadline <= now)
                popped.append(entry.deadline)
            }
            #expect(heap.first.map { $0.deadline > now } ?? true)
        }
        #expect(popped == inserted.sorted())
        #expect(heap.isEmpty)
    }

    @Test func removeAllKeepsTheRestInOrder() {
        var heap = DeadlineHeap()
        for payload in 0..<100 { heap.insert(deadline: Int64(100 - payload), payload: payload) }
        heap.removeAll { $0.payload % 2 == 0 }
        var payloads: [Int] = []
        while let entry = heap.popDue(now: .max) { payloads.append(entry.payload) }
        #expect(payloads == Array(stride(from: 99, through: 1, by: -2)))
    }
}
