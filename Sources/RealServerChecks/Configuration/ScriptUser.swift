/// A user a `MISC_CHECK` program runs as: keepalived `script_user USERNAME [GROUPNAME]` (global)
/// or `user USERNAME [GROUPNAME]` (in a `MISC_CHECK`).
public struct ScriptUser: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    /// The group; nil uses the user's primary group.
    public var group: String?

    public init(name: String, group: String? = nil) {
        self.name = name
        self.group = group
    }

    /// The user keepalived runs scripts as when neither `script_user` nor a check's `user` is
    /// given, if it exists.
    public static let keepalivedScript = ScriptUser(name: "keepalived_script")

    public var description: String { group.map { "\(name):\($0)" } ?? name }
}
