/// keepalived `track_file NAME { file PATH; weight W [reverse] }`: a file holding a number, which
/// checkers and VRRP instances follow (keepalived.conf(5), "Track files").
public struct TrackFile: Hashable, Sendable {
    /// The name `FILE_CHECK`'s `track_file` refers to.
    public var name: String
    /// keepalived `file`: an absolute path.
    public var path: String
    /// keepalived `weight`: the multiplier of the value read (default 1). 0 turns the value into
    /// a verdict: nonzero is a fault.
    public var weight: Int32
    /// keepalived `weight ... reverse`: the value counts negated (with weight 0: zero is the fault).
    public var reverse: Bool

    public init(name: String, path: String, weight: Int32 = 1, reverse: Bool = false) {
        self.name = name
        self.path = path
        self.weight = weight
        self.reverse = reverse
    }
}

/// keepalived `FILE_CHECK { track_file NAME; weight W [reverse] }`: a real server follows the
/// number in a file.
///
/// The value read times the weight (negated with `reverse`), clamped to 32 bits, is added to the
/// real server's weight; the clamped value -2147483648 is a fault, which takes the real server
/// down. With weight 0 the value is a verdict instead: nonzero is a fault (zero with `reverse`),
/// and the weight is left alone. A missing or empty file reads as 0; a number out of range is
/// ignored (see ``TrackFileValue``).
///
/// keepalived re-reads the file when inotify reports a change; the engine reads it every
/// `delay_loop`. keepalived's FILE_CHECK takes none of the common checker options (no `retry`,
/// no `alpha`): configure it with `retry` 0, so that the first fault counts.
public struct FileCheck: Hashable, Sendable {
    public var trackFile: TrackFile
    /// keepalived `weight W [reverse]` inside `FILE_CHECK`: replaces both the track_file's
    /// weight and its `reverse`. Nil takes the track_file's.
    public var weightOverride: (weight: Int32, reverse: Bool)?

    public init(trackFile: TrackFile, weight: Int32? = nil, reverse: Bool = false) {
        self.trackFile = trackFile
        self.weightOverride = weight.map { ($0, reverse) }
    }

    /// The multiplier in force.
    public var weight: Int32 { weightOverride?.weight ?? trackFile.weight }
    /// Whether the value counts negated.
    public var reverse: Bool { weightOverride?.reverse ?? trackFile.reverse }

    public static func == (lhs: FileCheck, rhs: FileCheck) -> Bool {
        lhs.trackFile == rhs.trackFile && lhs.weightOverride?.weight == rhs.weightOverride?.weight
            && lhs.weightOverride?.reverse == rhs.weightOverride?.reverse
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(trackFile)
        hasher.combine(weightOverride?.weight)
        hasher.combine(weightOverride?.reverse)
    }

    /// What a value read from the file means for the real server (keepalived
    /// `update_track_file_status`, `weight_range`).
    public func status(for value: Int64) -> FileCheckStatus {
        if weight == 0 {
            return (value != 0) != reverse ? .fault : .weightOffset(0)
        }
        // |value| <= 2^31 and |weight| <= 2^31: the product fits in 64 bits.
        let scaled = value.clamped(to: -(1 << 31)...(1 << 31)) * Int64(weight) * (reverse ? -1 : 1)
        let clamped = Int32(clamping: scaled)
        return clamped == Int32.min ? .fault : .weightOffset(Int(clamped))
    }
}

extension Comparable {
    fileprivate func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}

/// The meaning of a tracked file's value for one `FILE_CHECK`.
public enum FileCheckStatus: Hashable, Sendable {
    /// The real server is down (keepalived's `IPVS_WEIGHT_FAULT`).
    case fault
    /// The real server is up, with this added to its weight.
    case weightOffset(Int)
}
