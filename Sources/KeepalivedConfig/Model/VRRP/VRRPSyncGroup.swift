/// `vrrp_sync_group NAME { group { INSTANCE... } ... }`: instances that change state
/// together.
///
/// keepalived/vrrp/vrrp_sync.c, vrrp_sync_set_group, and vrrp.c, sync_group_tracking_init.
public struct VRRPSyncGroup: Sendable {
    public let name: String
    public let position: SourcePosition
    /// `group`: the member instances' names, in the order written.
    public internal(set) var members: [String] = []
    /// Where each member name stands.
    public internal(set) var memberPositions: [SourcePosition] = []
    /// True when a `group` block was given (an empty one included).
    public internal(set) var hasGroupBlock = false
    public internal(set) var notify = NotifyScripts()
    /// `smtp_alert`; nil takes global_defs `smtp_alert_vrrp`, then `smtp_alert`, then off
    /// (sync_group_tracking_init, "Set default smtp_alert").
    public internal(set) var smtpAlert: Bool?
    /// `sync_group_tracking_weight` (or the deprecated `global_tracking`): members keep the
    /// weights of what they track. Without it, keepalived clears those weights.
    public internal(set) var tracksWithWeights = false
    /// `notify_priority_changes`; nil takes global_defs `vrrp_notify_priority_changes`.
    public internal(set) var notifyPriorityChanges: Bool?
    public internal(set) var trackInterfaces: [TrackedInterface] = []
    public internal(set) var trackScripts: [TrackReference] = []
    public internal(set) var trackFiles: [TrackReference] = []
    public internal(set) var trackProcesses: [TrackReference] = []
    public internal(set) var trackBFDs: [TrackReference] = []

    /// The group's place among the VRRP side's top-level blocks.
    var order = 0

    init(name: String, position: SourcePosition) {
        self.name = name
        self.position = position
    }

    static let keywords = KeywordTable<VRRPSyncGroup>("vrrp_sync_group", [
        .block("group") { g, s, ctx in
            if g.hasGroupBlock {
                ctx.error("'group' is given twice (keepalived keeps the first)", at: s.keyword.position)
                return
            }
            g.hasGroupBlock = true
            for line in s.block ?? [] {
                for word in [line.keyword] + line.arguments {
                    g.members.append(word.text)
                    g.memberPositions.append(word.position)
                }
            }
            if g.members.isEmpty {
                ctx.warning("sync group '\(g.name)' has an empty group block", at: s.keyword.position)
            }
        },
        .block("track_interface") { g, s, ctx in g.trackInterfaces += TrackedInterface.readBlock(s, &ctx) },
        .block("track_script") { g, s, ctx in g.trackScripts += TrackReference.readBlock(s, kind: .script, &ctx) },
        .block("track_file") { g, s, ctx in g.trackFiles += TrackReference.readBlock(s, kind: .file, &ctx) },
        .block("track_process") { g, s, ctx in g.trackProcesses += TrackReference.readBlock(s, kind: .process, &ctx) },
        .block("track_bfd") { g, s, ctx in g.trackBFDs += TrackReference.readBlock(s, kind: .bfd, &ctx) },
        .value("smtp_alert") { g, s, ctx in
            if let v = ctx.flag(s) { g.smtpAlert = v }
        },
        .value("sync_group_tracking_weight") { g, s, ctx in
            ctx.extraArguments(s, after: 0)
            g.tracksWithWeights = true
        },
        .alias("global_tracking", of: "sync_group_tracking_weight"),
        .value("notify_priority_changes") { g, s, ctx in
            if let v = ctx.flag(s) { g.notifyPriorityChanges = v }
        },
    ] + NotifyScripts.keywords(\VRRPSyncGroup.notify))
}
