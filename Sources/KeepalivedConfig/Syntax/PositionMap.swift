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

    private(set) var runs: [Run]
    public private(set) var count: Int

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    init() {
        runs = []
        count = 0
    }

    /// `count` bytes from `position` on, one column each.
    init(advancingFrom position: SourcePosition, count: Int) {
        runs = count > 0 ? [Run(start: 0, position: position, advances: true)] : []
        self.count = count
    }

    /// `count` bytes all at `position`.
    init(repeating position: SourcePosition, count: Int) {
        runs = count > 0 ? [Run(start: 0, position: position, advances: false)] : []
        self.count = count
    }

    /// One position per byte, compressed into runs.
    public init(_ positions: [SourcePosition]) {
        self.init()
        for p in positions { append(p) }
    }

    public subscript(index: Int) -> SourcePosition {
        precondition(index >= 0 && index < count, "position index out of range")
        return runs[runIndex(containing: index)].position(at: index)
    }

    /// The last run starting at or before `index` (binary search; lines have few runs).
    private func runIndex(containing index: Int) -> Int {
        var low = 0, high = runs.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if runs[mid].start <= index { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Appends one byte's position, extending the last run when it continues it.
    mutating func append(_ position: SourcePosition) {
        if let last = runs.last {
            let length = count - last.start
            if last.advances, last.position(at: count) == position {
                count += 1
                return
            }
            if length == 1, position.file == last.position.file, position.line == last.position.line,
               position.column == last.position.column + 1 {
                runs[runs.count - 1].advances = true
                count += 1
                return
            }
            if !last.advances, last.position == position {
                count += 1
                return
            }
        }
        runs.append(Run(start: count, position: position, advances: true))
        count += 1
    }

    /// Appends `other`'s runs after these.
    mutating func append(contentsOf other: PositionMap) {
        for (i, run) in other.runs.enumerated() {
            let end = i + 1 < other.runs.count ? other.runs[i + 1].start : other.count
            appendRun(run.position, advances: run.advances, length: end - run.start)
        }
    }

    private mutating func appendRun(_ position: SourcePosition, advances: Bool, length: Int) {
        guard length > 0 else { return }
        if let last = runs.last, last.advances == advances,
           advances ? last.position(at: count) == position : last.position == position {
            count += length
            return
        }
        runs.append(Run(start: count, position: position, advances: advances))
        count += length
    }

    /// The positions of `range`.
    func slice(_ range: Range<Int>) -> PositionMap {
        var result = PositionMap()
        guard !range.isEmpty else { return result }
        var i = runIndex(containing: range.lowerBound)
        var index = range.lowerBound
        while index < range.upperBound {
            let run = runs[i]
            let end = Swift.min(i + 1 < runs.count ? runs[i + 1].start : count, range.upperBound)
            result.appendRun(run.position(at: index), advances: run.advances, length: end - index)
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
