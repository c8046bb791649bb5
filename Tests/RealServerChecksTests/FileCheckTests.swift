import Glibc
import Logging
import Synchronization
import Testing
import TestSupport
@testable import RealServerChecks

/// FILE_CHECK / track_file by keepalived 2.2.7's rules (keepalived/trackers/track_file.c:
/// process_track_file, update_track_file_status, weight_range; keepalived/check/check_file.c).
@Suite("FILE_CHECK and track_file")
struct FileCheckTests {
    // MARK: reading the number: C strtol(text, NULL, 0), checked against glibc's own

    @Test(arguments: [
        ("42", TrackFileValue.value(42)), ("  -7\n", .value(-7)), ("+3", .value(3)), ("0x1F", .value(31)),
        ("0X1f", .value(31)), ("010", .value(8)), ("09", .value(0)), ("0x", .value(0)), ("12abc", .value(12)),
        ("", .value(0)), ("abc", .value(0)), ("\t\n 5", .value(5)), ("-", .value(0)), ("- 5", .value(0)),
        ("2147483648", .value(2_147_483_648)), ("-2147483648", .value(-2_147_483_648)),
        ("2147483649", .invalid("number 2147483649 out of range in '2147483649'")),
        ("-2147483649", .invalid("number -2147483649 out of range in '-2147483649'")),
        ("99999999999999999999", .invalid("number out of range in '99999999999999999999'")),
    ])
    func parsesAsStrtol(text: String, expected: TrackFileValue) {
        #expect(TrackFileValue.parse(Array(text.utf8)) == expected)
    }

    /// Seeded random texts from digits, signs, x, spaces and letters: the same value as glibc's
    /// strtol, and invalid exactly when strtol sets ERANGE or the value is outside keepalived's range.
    @Test(arguments: [1, 2, 3, 4])
    func agreesWithGlibcStrtol(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let alphabet = Array("0123456789abcdefxX+- \t\n789".utf8)
        for _ in 0..<2000 {
            let length = Int(random.next() % 24)
            let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            let text = String(decoding: bytes, as: UTF8.self)
            errno = 0
            let c = strtol(text, nil, 0)
            let rangeError = errno == ERANGE
            let parsed = TrackFileValue.parse(bytes)
            if rangeError || Int64(c) < Int64(Int32.min) || Int64(c) > Int64(Int32.max) + 1 {
                guard case .invalid = parsed else {
                    Issue.record("'\(text)': strtol \(c) (ERANGE \(rangeError)), parsed \(parsed)")
                    return
                }
            } else {
                #expect(parsed == .value(Int64(c)), "'\(text)'")
            }
        }
    }

    // MARK: what a value means

    static func check(weight: Int32, reverse: Bool = false, fileWeight: Int32 = 1) -> FileCheck {
        FileCheck(trackFile: TrackFile(name: "f", path: "/f", weight: fileWeight), weight: weight, reverse: reverse)
    }

    @Test(arguments: [
        // weight 0: a verdict; nonzero is the fault, zero with reverse.
        (Int32(0), false, Int64(0), FileCheckStatus.weightOffset(0)), (0, false, 1, .fault), (0, false, -5, .fault),
        (0, true, 0, .fault), (0, true, 3, .weightOffset(0)),
        // otherwise value x weight (negated with reverse), clamped to 32 bits; -2^31 is the fault.
        (1, false, 5, .weightOffset(5)), (3, false, -4, .weightOffset(-12)), (2, true, 5, .weightOffset(-10)),
        (1, false, -2_147_483_647, .weightOffset(-2_147_483_647)), (1, false, -2_147_483_648, .fault),
        (2, false, -1_073_741_824, .fault), (1000, false, -3_000_000, .fault),
        (1000, false, 3_000_000, .weightOffset(2_147_483_647)), (1, true, 2_147_483_648, .fault),
        (-1, false, 7, .weightOffset(-7)),
    ])
    func statusFollowsKeepalived(weight: Int32, reverse: Bool, value: Int64, expected: FileCheckStatus) {
        #expect(Self.check(weight: weight, reverse: reverse).status(for: value) == expected)
    }

    @Test func fileCheckWeightReplacesTheTrackFilesWeightAndReverse() {
        let file = TrackFile(name: "f", path: "/f", weight: 0, reverse: true)
        #expect(FileCheck(trackFile: file).weight == 0)
        #expect(FileCheck(trackFile: file).reverse)
        #expect(FileCheck(trackFile: file).status(for: 0) == .fault)
        let own = FileCheck(trackFile: file, weight: 2)
        #expect(own.weight == 2)
        #expect(!own.reverse)  // keepalived's FILE_CHECK weight sets reverse too (default off)
        #expect(own.status(for: 3) == .weightOffset(6))
    }

    // MARK: reading real files

    @Test func probeReadsTheFileAsKeepalivedDoes() throws {
        let directory = makeTemporaryDirectory("file-check-test")
        defer { removeTree(directory) }
        let path = "\(directory)/value"
        func probe(weight: Int32 = 1, reverse: Bool = false) -> ProbeOutcome {
            FileProbe().run(FileCheck(trackFile: TrackFile(name: "t", path: path), weight: weight, reverse: reverse))
        }
        #expect(probe() == .weightOffset(0))  // missing: 0
        #expect(probe(weight: 0, reverse: true) == .unhealthy(reason: "track_file t (\(path)) reads 0: fault"))
        writeFile(path, "")
        #expect(probe(weight: 0) == .weightOffset(0))  // empty: 0
        writeFile(path, "17\n")
        #expect(probe(weight: 3) == .weightOffset(51))
        #expect(probe(weight: 0) == .unhealthy(reason: "track_file t (\(path)) reads 17: fault"))
        writeFile(path, "-2147483648\n")
        #expect(probe() == .unhealthy(reason: "track_file t (\(path)) reads -2147483648: fault"))
        writeFile(path, "4294967296")
        #expect(probe() == .notRun(reason: "track_file t (\(path)): number 4294967296 out of range in '4294967296', ignored"))
        // Only the first 127 bytes count: digits beyond them are not read.
        writeFile(path, String(repeating: " ", count: 126) + "12")
        #expect(probe(weight: 2) == .weightOffset(2))
    }

    /// Through the engine: the file is read at start and again each time inotify reports it
    /// written (the test clock never moves: no delay_loop schedule reads it), a change of the
    /// weight offset is a transition, a fault takes the real server down at once (retry 0), an
    /// ignored read changes nothing, and a file renamed into place or deleted is read too.
    @Test func engineFollowsTheFile() async {
        let directory = makeTemporaryDirectory("file-check-engine")
        defer { removeTree(directory) }
        let path = "\(directory)/weight"
        writeFile(path, "2\n")
        let spec = CheckSpec(
            .file(FileCheck(trackFile: TrackFile(name: "load", path: path, weight: 5))),
            timing: CheckTiming(delayLoop: .seconds(1), retry: 0))
        let clock = TestClock()
        let engine = HealthCheckEngine(
            clock: clock, prober: LiveProber(group: .singletonMultiThreadedEventLoopGroup),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), warmupFraction: { 0 }, watchdog: nil)
        let received = Transitions()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await engine.run() }
            group.addTask { for await t in engine.transitions { received.append(t) } }
            engine.update(["rs": [spec]])
            func step(_ contents: String, completed: Int) async {
                writeFile(path, contents)
                #expect(await eventually { engine.status().probesCompleted == completed }, "after \(contents)")
            }
            #expect(await eventually { engine.status().probesCompleted == 1 })
            await step("2\n", completed: 2)  // same value: no transition
            await step("-1", completed: 3)
            await step("-2147483648", completed: 4)  // x5 clamps to the fault
            await step("99999999999", completed: 5)  // ignored: still down
            await step("0", completed: 6)
            writeFile("\(directory)/next", "3")
            #expect(rename("\(directory)/next", path) == 0)
            #expect(await eventually { engine.status().probesCompleted == 7 })
            #expect(unlink(path) == 0)  // a missing file reads as 0
            #expect(await eventually { engine.status().probesCompleted == 8 })
            #expect(await eventually { received.all.count == 7 })
            #expect(engine.fileWatches.withLock { $0.count } == 1)
            engine.update([:])  // a reload without the check ends its watch at once
            #expect(await eventually { engine.fileWatches.withLock { $0.isEmpty } })
            group.cancelAll()
        }
        #expect(clock.sleeperCount == 0)
        let seen = received.all.map { "\($0.health.isUp) \($0.health.weightOffset)" }
        #expect(seen == ["true 0", "true 10", "true -5", "false 0", "true 0", "true 15", "true 0"])
        #expect(engine.status().checkerFaults == 1)
    }
}


/// Transitions collected from an engine's stream.
final class Transitions: Sendable {
    private let list = Mutex<[HealthTransition]>([])
    func append(_ transition: HealthTransition) { list.withLock { $0.append(transition) } }
    var all: [HealthTransition] { list.withLock { $0 } }
}
