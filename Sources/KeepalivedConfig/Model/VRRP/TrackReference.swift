/// One line of `track_script`, `track_process`, `track_file` or `track_bfd` in an instance or a
/// sync group: `NAME [weight N [reverse|noreverse]]`.
///
/// Without `weight`, the tracked object's own weight and direction apply (vrrp_track.c,
/// alloc_track_script and friends: "default weight"); ``weight`` and ``isReversed`` hold the
/// value in force once the configuration is resolved.
public struct TrackReference: Sendable, Hashable {
    /// The name of the `vrrp_script`, `vrrp_track_process`, `track_file` or `bfd_instance`.
    public let name: String
    /// Added to the priority while the object is up (positive) or down (negative); 0 means
    /// the instance goes to FAULT while the object is down.
    public internal(set) var weight: Int
    /// `reverse`: the weight applies the other way round.
    public internal(set) var isReversed: Bool
    /// True when the line gives `weight` (otherwise the object's weight was copied).
    public let hasExplicitWeight: Bool
    public let position: SourcePosition
}

/// What a track line's owner is, for messages.
enum TrackKind: String {
    case script = "track_script"
    case process = "track_process"
    case file = "track_file"
    case bfd = "track_bfd"

    /// The block that defines the tracked object.
    var definition: String {
        switch self {
        case .script: "vrrp_script"
        case .process: "vrrp_track_process"
        case .file: "track_file"
        case .bfd: "bfd_instance"
        }
    }

    /// The weights keepalived takes on the track line.
    var weightRange: ClosedRange<Int> { self == .bfd ? -253...253 : -254...254 }
}

extension TrackReference {
    /// Reads the lines of a `track_*` block. keepalived looks the name up while it reads, so
    /// only objects defined above count: resolution happens in
    /// ``KeepalivedConfiguration`` once the whole file is read.
    static func readBlock(_ statement: ConfigStatement, kind: TrackKind,
                          _ context: inout ReadContext) -> [TrackReference] {
        var result: [TrackReference] = []
        for line in statement.block ?? [] {
            if let reference = read(line, kind: kind, &context) {
                if result.contains(where: { $0.name == reference.name }) {
                    context.error("\(kind.rawValue) '\(reference.name)' is given twice", at: line.keyword.position)
                    continue
                }
                result.append(reference)
            }
        }
        return result
    }

    static func read(_ line: ConfigStatement, kind: TrackKind, _ context: inout ReadContext) -> TrackReference? {
        if line.block != nil {
            context.error("a \(kind.rawValue) line takes no block", at: line.blockOpen ?? line.keyword.position)
            return nil
        }
        let words = line.arguments
        guard let first = words.first else {
            return TrackReference(name: line.keyword.text, weight: 0, isReversed: false,
                                  hasExplicitWeight: false, position: line.keyword.position)
        }
        guard first.text == "weight" else {
            context.error("unknown \(kind.rawValue) option '\(first.text)'; expected 'weight'", at: first.position)
            return nil
        }
        guard words.count >= 2 else {
            context.error("'weight' needs a value", at: line.end)
            return nil
        }
        guard var weight = context.integer(words[1], in: kind.weightRange, for: "weight") else { return nil }
        if kind == .script, abs(weight) == 254 {
            context.warning("weight \(weight) becomes \(weight > 0 ? 253 : -253) (keepalived takes -253...253)",
                            at: words[1].position)
            weight = weight > 0 ? 253 : -253
        }
        var reversed = false
        if words.count >= 3 {
            switch words[2].text {
            case "reverse": reversed = true
            case "noreverse": reversed = false
            default:
                context.error("unknown weight option '\(words[2].text)'; expected 'reverse' or 'noreverse'",
                              at: words[2].position)
                return nil
            }
        }
        context.extraArguments(line, after: 3)
        return TrackReference(name: line.keyword.text, weight: weight, isReversed: reversed,
                              hasExplicitWeight: true, position: line.keyword.position)
    }
}
