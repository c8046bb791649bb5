/// One line of `track_interface`: `IFACE [weight N [reverse]]` (vrrp_track.c, alloc_track_if).
public struct TrackedInterface: Sendable, Hashable {
    public let interface: String
    /// 0 (the default): the instance goes to FAULT while the interface is down.
    public internal(set) var weight: Int
    public internal(set) var isReversed: Bool
    public let position: SourcePosition
}

extension TrackedInterface {
    static func readBlock(_ statement: ConfigStatement, _ context: inout ReadContext) -> [TrackedInterface] {
        var result: [TrackedInterface] = []
        for line in statement.block ?? [] {
            if line.block != nil {
                context.error("a track_interface line takes no block", at: line.blockOpen ?? line.keyword.position)
                continue
            }
            guard VRRPInstance.checkInterfaceName(line.keyword, &context) else { continue }
            if result.contains(where: { $0.interface == line.keyword.text }) {
                context.error("track_interface '\(line.keyword.text)' is given twice", at: line.keyword.position)
                continue
            }
            var weight = 0
            var reversed = false
            let words = line.arguments
            if let first = words.first {
                guard first.text == "weight" else {
                    context.error("unknown track_interface option '\(first.text)'; expected 'weight'", at: first.position)
                    continue
                }
                guard words.count >= 2 else {
                    context.error("'weight' needs a value", at: line.end)
                    continue
                }
                guard let w = context.integer(words[1], in: -254...254, for: "weight") else { continue }
                weight = w
                if abs(w) == 254 {
                    context.warning("weight \(w) becomes \(w > 0 ? 253 : -253) (keepalived takes -253...253)",
                                    at: words[1].position)
                    weight = w > 0 ? 253 : -253
                }
                if words.count >= 3 {
                    guard words[2].text == "reverse" else {
                        context.error("unknown weight option '\(words[2].text)'; expected 'reverse'", at: words[2].position)
                        continue
                    }
                    reversed = true
                }
                context.extraArguments(line, after: 3)
            }
            result.append(TrackedInterface(interface: line.keyword.text, weight: weight, isReversed: reversed,
                                           position: line.keyword.position))
        }
        return result
    }
}
