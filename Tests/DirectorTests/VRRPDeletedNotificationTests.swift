import Director
import Testing

/// What runs for an instance a reload removes (keepalived 2.2.7 `clear_diff_vrrp` and
/// `send_instance_notifies`): `notify_deleted` with `notify ... DELETED`, or without it the
/// FAULT notifications, none when the instance was in FAULT already.
@Suite struct VRRPDeletedNotificationTests {
    struct Row: Sendable, CustomStringConvertible {
        let description: String
        let lines: String
        let lastState: String
        let expected: [[String]]
    }

    static let rows: [Row] = [
        Row(description: "notify_deleted with a command", lines: "notify_deleted \"/bin/del x\"\nnotify /bin/any\nnotify_fault /bin/fault",
            lastState: "MASTER", expected: [["/bin/del", "x"], ["/bin/any", "INSTANCE", "VI_1", "DELETED", "120"]]),
        Row(description: "notify_deleted alone", lines: "notify_deleted\nnotify /bin/any", lastState: "BACKUP",
            expected: [["/bin/any", "INSTANCE", "VI_1", "DELETED", "120"]]),
        Row(description: "notify_deleted from FAULT still runs", lines: "notify_deleted\nnotify /bin/any", lastState: "FAULT",
            expected: [["/bin/any", "INSTANCE", "VI_1", "DELETED", "120"]]),
        Row(description: "without notify_deleted: FAULT", lines: "notify_fault /bin/fault\nnotify /bin/any", lastState: "MASTER",
            expected: [["/bin/fault"], ["/bin/any", "INSTANCE", "VI_1", "FAULT", "120"]]),
        Row(description: "without notify_deleted, in FAULT already: nothing", lines: "notify_fault /bin/fault\nnotify /bin/any",
            lastState: "FAULT", expected: []),
        Row(description: "no notify script", lines: "", lastState: "MASTER", expected: []),
    ]

    @Test(arguments: rows)
    func deleted(_ row: Row) throws {
        let text = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                priority 100
            \(row.lines.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                virtual_ipaddress {
                    192.0.2.100
                }
            }
            """
        let plan = VRRPPlan(try loadConfiguration(text).0)
        let instance = try #require(plan.instances.first)
        let commands = VRRPNotification.deletedCommands(instance.notify, instance: "VI_1", lastState: row.lastState,
                                                        priority: 120)
        #expect(commands.map(\.arguments) == row.expected)
        #expect(commands.allSatisfy { $0.timeout == VRRPNotification.stateScriptTimeout })
    }
}
