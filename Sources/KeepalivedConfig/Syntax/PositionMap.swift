/// Where each byte of a ``ConfigLineText`` came from, kept as runs rather than one position
/// per byte: a line read from a file is one run (column 1, 2, 3 ...), the text of a `$NAME`
/// expansion one run whose bytes all stand at the `$`. A 100,000-line file then costs a run
/// per line instead of 24 bytes per byte.
public struct PositionMap: RandomAccessCollection, Sendable, Hashable {
    /// Bytes `start..<` the next run's start: the first at `position`, each next one a
    /// column further when `advances`, else at the same place.
    struct Run: Sendable, Hashable {
        var start: Int
        var position: SourcePosition
        var advances: Bool

        func position(at index: Int) -> SourcePosition {
            guard advances else { return position }
            var p = position
            p.column += index - start
            return p
        }
    }

    /// The first run, inline, so that a map of one run (most lines) allocates nothing.
    private var head: Run?
    /// The runs after the first.
    private var tail: [Run]
    public private(set) var count: Int

    /// Every run, in order.
    var runs: [Run] { head.map { [$0] + tail } ?? [] }
    private var runCount: Int { head == nil ? 0 : 1 + tail.count }
    private func run(_ i: Int) -> Run { i == 0 ? head! : tail[i - 1] }
    private var lastRun: Run? { tail.last ?? head }
    private mutating func addRun(_ run: Run) {
        if head == nil { head = run } else { tail.append(run) }
    }
    private mutating func setLastAdvances() {
        if tail.isEmpty { head?.advances = true } else { tail[tail.count - 1].advances = true }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    init() {
        head = nil
        tail = []
        count = 0
    }

    /// `count` bytes from `position` on, one column each.
    init(advancingFrom position: SourcePosition, count: Int) {
        head = count > 0 ? Run(start: 0, position: position, advances: true) : nil
        tail = []
        self.count = count
    }

    /// `count` bytes all at `position`.
    init(repeating position: SourcePosition, count: Int) {
        head = count > 0 ? Run(start: 0, position: position, advances: false) : nil
        tail = []
        self.count = count
    }

    /// One position per byte, compressed into runs.
    public init(_ positions: [SourcePosition]) {
        self.init()
        for p in positions { append(p) }
    }

    public subscript(index: Int) -> SourcePosition {
        precondition(index >= 0 && index < count, "position index out of range")
        return run(runIndex(containing: index)).position(at: index)
    }

    /// The last run starting at or before `index` (binary search; lines have few runs).
    private func runIndex(containing index: Int) -> Int {
        var low = 0, high = runCount - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if run(mid).start <= index { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Appends one byte's position, extending the last run when it continues it.
    mutating func append(_ position: SourcePosition) {
        if let last = lastRun {
            let length = count - last.start
            if last.advances, last.position(at: count) == position {
                count += 1
                return
            }
            if length == 1, position.file == last.position.file, position.line == last.position.line,
               position.column == last.position.column + 1 {
                setLastAdvances()
                count += 1
                return
            }
            if !last.advances, last.position == position {
                count += 1
                return
            }
        }
        addRun(Run(start: count, position: position, advances: true))
        count += 1
    }

    /// Appends `other`'s runs after these.
    mutating func append(contentsOf other: PositionMap) {
        for i in 0..<other.runCount {
            let run = other.run(i)
            let end = i + 1 < other.runCount ? other.run(i + 1).start : other.count
            appendRun(run.position, advances: run.advances, length: end - run.start)
        }
    }

    private mutating func appendRun(_ position: SourcePosition, advances: Bool, length: Int) {
        guard length > 0 else { return }
        if let last = lastRun, last.advances == advances,
           advances ? last.position(at: count) == position : last.position == position {
            count += length
            return
        }
        addRun(Run(start: count, position: position, advances: advances))
        count += length
    }

    /// The positions of `range`.
    func slice(_ range: Range<Int>) -> PositionMap {
        var result = PositionMap()
        guard !range.isEmpty else { return result }
        var i = runIndex(containing: range.lowerBound)
        var index = range.lowerBound
        while index < range.upperBound {
            let current = run(i)
            let end = Swift.min(i + 1 < runCount ? run(i + 1).start : count, range.upperBound)
            result.appendRun(current.position(at: index), advances: current.advances, length: end - index)
            index = end
            i += 1
        }
        return result
    }

    mutating func replaceSubrange(_ range: Range<Int>, with other: PositionMap) {
        var result = slice(0..<range.lowerBound)
        result.append(contentsOf: other)
        result.append(contentsOf: slice(range.upperBound..<count))
        self = result
    }
}
