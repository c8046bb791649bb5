import Testing
@testable import KeepalivedConfig
import TestSupport

/// ``PositionMap`` against a plain array of positions: seeded random appends, slices and
/// replacements give the same position for every byte.
struct PositionMapTests {
    static func randomPositions(_ rng: inout SplitMix64) -> [SourcePosition] {
        let start = SourcePosition(file: Int.random(in: 0...1, using: &rng), line: Int.random(in: 1...3, using: &rng),
                                   column: Int.random(in: 1...5, using: &rng))
        let count = Int.random(in: 0...6, using: &rng)
        if Bool.random(using: &rng) { return Array(repeating: start, count: count) }   // an expansion
        return (0..<count).map { SourcePosition(file: start.file, line: start.line, column: start.column + $0) }
    }

    @Test func matchesAnArrayOfPositions() {
        var rng = SplitMix64(seed: 20_261_130)
        for _ in 0..<2_000 {
            var array: [SourcePosition] = []
            var map = PositionMap()
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let more = Self.randomPositions(&rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0:
                    for p in more { array.append(p); map.append(p) }
                case 1:
                    array += more
                    map.append(contentsOf: PositionMap(more))
                case 2 where !array.isEmpty:
                    let a = Int.random(in: 0...array.count, using: &rng), b = Int.random(in: 0...array.count, using: &rng)
                    let range = min(a, b)..<max(a, b)
                    array.replaceSubrange(range, with: more)
                    map.replaceSubrange(range, with: PositionMap(more))
                default:
                    let a = Int.random(in: 0...array.count, using: &rng), b = Int.random(in: 0...array.count, using: &rng)
                    let range = min(a, b)..<max(a, b)
                    array = Array(array[range])
                    map = map.slice(range)
                }
                #expect(Array(map) == array)
            }
        }
    }

    @Test func aLineIsOneRun() {
        let map = PositionMap(advancingFrom: SourcePosition(file: 0, line: 7, column: 1), count: 80)
        #expect(map.runs.count == 1 && map[79] == SourcePosition(file: 0, line: 7, column: 80))
        #expect(PositionMap(Array(map)).runs.count == 1)
    }
}
