import Director
import Testing
import VRRP

/// vrrp_script rise/fall counting and the effect of track_script weights (keepalived's
/// process_script_update_priority).
@Suite struct VRRPScriptStatusTests {
    @Test func firstResultDecidesThenRiseAndFallCount() {
        var status = VRRPScriptStatus(rise: 2, fall: 3, startsFailed: false)
        #expect(status.state == .unknown)
        // First success: up. Two failures are not enough with fall 3; a success in between
        // resets the count; the third failure in a row: down. One success is not enough with
        // rise 2; the second: up.
        var changes: [Bool] = []
        var states: [VRRPScriptStatus.State] = []
        for success in [true, false, false, true, false, false, false, true, true] {
            changes.append(status.record(success: success))
            states.append(status.state)
        }
        #expect(changes == [true, false, false, false, false, false, true, false, true])
        #expect(states == [.up, .up, .up, .up, .up, .up, .down, .down, .up])
    }

    @Test func initFailStartsDown() {
        var status = VRRPScriptStatus(rise: 1, fall: 1, startsFailed: true)
        #expect(status.state == .down)
        let first = status.record(success: false)
        let second = status.record(success: true)
        #expect(first == false)
        #expect(second == true)
        #expect(status.state == .up)
    }

    @Test(arguments: [
        // (state, weight, reversed, effect)
        (VRRPScriptStatus.State.up, 20, false, VRRPTrackedEffect.weight(20)),
        (.down, 20, false, .weight(0)),
        (.up, -30, false, .weight(0)),
        (.down, -30, false, .weight(-30)),
        (.up, 20, true, .weight(-20)),
        (.down, -30, true, .weight(30)),
        (.up, 0, false, .weight(0)),
        (.down, 0, false, .fault),
        (.up, 0, true, .fault),
        (.down, 0, true, .weight(0)),
        (.unknown, 0, false, .weight(0)),
        (.unknown, -30, false, .weight(0)),
    ])
    func effectOfAWeight(_ state: VRRPScriptStatus.State, _ weight: Int, _ reversed: Bool, _ effect: VRRPTrackedEffect) {
        #expect(VRRPScriptStatus.effect(of: state, weight: weight, reversed: reversed) == effect)
    }
}
