/// A binary min-heap of deadlines (integer nanoseconds) with an integer payload: the one timer
/// queue of ``TCPConnectLoop``, which replaces a sleeping task per check.
///
/// Pure data structure, no clock. Equal deadlines come out in no particular order. Entries are
/// never removed early: a cancelled entry is skipped by its owner when it comes due.
struct DeadlineHeap: Sendable {
    struct Entry: Sendable, Equatable {
        var deadline: Int64
        var payload: Int
    }

    private(set) var entries: [Entry] = []

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }
    /// The earliest deadline, if any.
    var first: Entry? { entries.first }

    mutating func insert(deadline: Int64, payload: Int) {
        entries.append(Entry(deadline: deadline, payload: payload))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].deadline < entries[parent].deadline else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry when its deadline is at or before `now`.
    mutating func popDue(now: Int64) -> Entry? {
        guard let top = entries.first, top.deadline <= now else { return nil }
        let last = entries.removeLast()
        guard !entries.isEmpty else { return top }
        entries[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { break }
            var smallest = left
            if left + 1 < entries.count && entries[left + 1].deadline < entries[left].deadline { smallest = left + 1 }
            guard entries[smallest].deadline < entries[parent].deadline else { break }
            entries.swapAt(smallest, parent)
            parent = smallest
        }
        return top
    }

    /// Drops every entry for which `drop` is true, in O(n).
    mutating func removeAll(where drop: (Entry) -> Bool) {
        let kept = entries.filter { !drop($0) }
        entries = []
        entries.reserveCapacity(kept.count)
        for entry in kept { insert(deadline: entry.deadline, payload: entry.payload) }
    }
}
