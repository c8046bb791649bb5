import Glibc
import Testing
@testable import RealServerChecks

/// Who a MISC_CHECK program runs as, and which programs enable_script_security refuses, by
/// keepalived 2.2.7's rules (lib/notify.c: get_default_script_user, set_uid_gid, check_security).
@Suite("script_user, user and enable_script_security")
struct ScriptUserTests {
    /// A user database with the given users (name: uid, gid) and groups.
    struct FakeDatabase: UserDatabase {
        var users: [String: ResolvedScriptUser]
        var groups: [String: gid_t] = ["nogroup": 65534, "adm": 4]

        func user(named name: String) throws(CheckConfigurationError) -> ResolvedScriptUser? { users[name] }
        func group(named name: String) throws(CheckConfigurationError) -> gid_t? { groups[name] }
    }

    static let nobody = ResolvedScriptUser(uid: 65534, gid: 65534)
    static let scriptUser = ResolvedScriptUser(uid: 999, gid: 998)
    static let root = ResolvedScriptUser(uid: 0, gid: 0)

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var checkUser: ScriptUser?
        var settings: ScriptSettings
        var hasKeepalivedScript: Bool
        var expected: Result<ResolvedScriptUser, CheckConfigurationError>
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no script_user, no keepalived_script: the daemon's own user (root)", checkUser: nil,
             settings: ScriptSettings(), hasKeepalivedScript: false, expected: .success(root)),
        Case(name: "keepalived_script exists: it is the default", checkUser: nil,
             settings: ScriptSettings(), hasKeepalivedScript: true, expected: .success(scriptUser)),
        Case(name: "script_user wins over keepalived_script", checkUser: nil,
             settings: ScriptSettings(defaultUser: ScriptUser(name: "nobody")), hasKeepalivedScript: true,
             expected: .success(nobody)),
        Case(name: "script_user with a group", checkUser: nil,
             settings: ScriptSettings(defaultUser: ScriptUser(name: "nobody", group: "adm")), hasKeepalivedScript: false,
             expected: .success(ResolvedScriptUser(uid: 65534, gid: 4))),
        Case(name: "the check's user wins over script_user", checkUser: ScriptUser(name: "root"),
             settings: ScriptSettings(defaultUser: ScriptUser(name: "nobody")), hasKeepalivedScript: true,
             expected: .success(root)),
        Case(name: "the check's user with a group", checkUser: ScriptUser(name: "keepalived_script", group: "nogroup"),
             settings: ScriptSettings(), hasKeepalivedScript: true,
             expected: .success(ResolvedScriptUser(uid: 999, gid: 65534))),
        Case(name: "enable_script_security without keepalived_script: no fallback to root", checkUser: nil,
             settings: ScriptSettings(enableScriptSecurity: true), hasKeepalivedScript: false,
             expected: .failure(CheckConfigurationError(.unknownUser,
                "no script_user is set and user 'keepalived_script' does not exist: with enable_script_security "
                + "keepalived will not fall back to running scripts as root"))),
        Case(name: "enable_script_security with keepalived_script", checkUser: nil,
             settings: ScriptSettings(enableScriptSecurity: true), hasKeepalivedScript: true,
             expected: .success(scriptUser)),
        Case(name: "enable_script_security with an explicit root script_user", checkUser: nil,
             settings: ScriptSettings(defaultUser: ScriptUser(name: "root"), enableScriptSecurity: true),
             hasKeepalivedScript: false, expected: .success(root)),
        Case(name: "unknown user", checkUser: ScriptUser(name: "ghost"), settings: ScriptSettings(),
             hasKeepalivedScript: true,
             expected: .failure(CheckConfigurationError(.unknownUser, "user 'ghost' does not exist"))),
        Case(name: "unknown script_user: no fallback", checkUser: nil,
             settings: ScriptSettings(defaultUser: ScriptUser(name: "ghost")), hasKeepalivedScript: true,
             expected: .failure(CheckConfigurationError(.unknownUser, "script_user 'ghost' does not exist"))),
        Case(name: "unknown group", checkUser: ScriptUser(name: "nobody", group: "ghosts"), settings: ScriptSettings(),
             hasKeepalivedScript: false,
             expected: .failure(CheckConfigurationError(.unknownUser, "user group 'ghosts' does not exist"))),
    ]

    static func database(keepalivedScript: Bool) -> FakeDatabase {
        var users = ["root": root, "nobody": nobody]
        if keepalivedScript { users["keepalived_script"] = scriptUser }
        return FakeDatabase(users: users)
    }

    @Test(arguments: cases)
    func resolution(_ c: Case) {
        let result = Result { () throws(CheckConfigurationError) in
            try ScriptIdentity.resolve(
                c.checkUser, settings: c.settings, database: Self.database(keepalivedScript: c.hasKeepalivedScript),
                own: Self.root)
        }
        #expect(result == c.expected)
    }

    // MARK: end to end, as root, with real files

    final class Tree {
        let directory = makeTemporaryDirectory("script-user-test")  // root's, 0755, in sticky /tmp
        func script(_ name: String, mode: mode_t = 0o755) -> String {
            let path = "\(directory)/\(name)"
            writeFile(path, "#!/bin/sh\necho \"$(id -u):$(id -g)\"\nexit 1\n", mode: mode)
            return path
        }
        deinit { removeTree(directory) }
    }

    /// Runs `program` and returns who it ran as ("uid:gid"), or the configuration error.
    static func runsAs(
        _ program: String, user: ScriptUser? = nil, settings: ScriptSettings = ScriptSettings(), keepalivedScript: Bool
    ) async -> Result<String, CheckConfigurationError> {
        let probe = MiscProbe(settings: settings, database: database(keepalivedScript: keepalivedScript))
        do {
            let outcome = try await probe.run(MiscCheck(arguments: [program], user: user), defaultTimeout: .seconds(60))
            guard case .unhealthy(let reason) = outcome, reason.hasPrefix("exit code 1: ") else {
                return .success("unexpected \(outcome)")
            }
            return .success(String(reason.dropFirst("exit code 1: ".count)))
        } catch {
            return .failure(error)
        }
    }

    @Test func theDefaultUserIsKeepalivedScriptElseRoot() async throws {
        try #require(geteuid() == 0, "the tests run as root")
        let tree = Tree()
        let program = tree.script("who")
        #expect(await Self.runsAs(program, keepalivedScript: false) == .success("0:0"))
        #expect(await Self.runsAs(program, keepalivedScript: true) == .success("999:998"))
        #expect(await Self.runsAs(program, user: ScriptUser(name: "nobody", group: "adm"), keepalivedScript: true)
            == .success("65534:4"))
        #expect(await Self.runsAs(
            program, settings: ScriptSettings(defaultUser: ScriptUser(name: "nobody")), keepalivedScript: true)
            == .success("65534:65534"))
    }

    @Test func scriptSecurityRefusesPathsOthersCanWriteWhenRunAsRoot() async throws {
        try #require(geteuid() == 0, "the tests run as root")
        let secure = ScriptSettings(defaultUser: ScriptUser(name: "root"), enableScriptSecurity: true)
        let tree = Tree()
        let fine = tree.script("fine")
        #expect(await Self.runsAs(fine, settings: secure, keepalivedScript: false) == .success("0:0"))

        // The file: writable by a group other than root's, by anybody, or owned by someone else.
        let groupWritable = tree.script("group-writable", mode: 0o775)
        chown(groupWritable, 0, 65534)
        #expect(await Self.runsAs(groupWritable, settings: secure, keepalivedScript: false) == .failure(
            CheckConfigurationError(.scriptInsecure, "misc_path program '\(groupWritable)' would run with root's powers "
                + "but '\(groupWritable)' is writable by group 65534 (enable_script_security)")))
        let rootGroupWritable = tree.script("root-group-writable", mode: 0o775)  // group root: fine
        #expect(await Self.runsAs(rootGroupWritable, settings: secure, keepalivedScript: false) == .success("0:0"))
        let worldWritable = tree.script("world-writable", mode: 0o757)
        #expect(await Self.runsAs(worldWritable, settings: secure, keepalivedScript: false) == .failure(
            CheckConfigurationError(.scriptInsecure, "misc_path program '\(worldWritable)' would run with root's powers "
                + "but '\(worldWritable)' is writable by anybody (enable_script_security)")))
        let foreign = tree.script("foreign")
        chown(foreign, 65534, 0)
        #expect(await Self.runsAs(foreign, settings: secure, keepalivedScript: false) == .failure(
            CheckConfigurationError(.scriptInsecure, "misc_path program '\(foreign)' would run with root's powers "
                + "but '\(foreign)' is owned by uid 65534, not root (enable_script_security)")))

        // A directory above it: writable by anybody, unless sticky.
        let openDirectory = "\(tree.directory)/open"
        mkdir(openDirectory, 0o777)
        chmod(openDirectory, 0o777)
        writeFile("\(openDirectory)/check", "#!/bin/sh\necho \"$(id -u):$(id -g)\"\nexit 1\n", mode: 0o755)
        #expect(await Self.runsAs("\(openDirectory)/check", settings: secure, keepalivedScript: false) == .failure(
            CheckConfigurationError(.scriptInsecure, "misc_path program '\(openDirectory)/check' would run with root's powers "
                + "but '\(openDirectory)' is writable by anybody (enable_script_security)")))
        chmod(openDirectory, 0o1777)
        #expect(await Self.runsAs("\(openDirectory)/check", settings: secure, keepalivedScript: false) == .success("0:0"))

        // Through a symbolic link: the resolved path is checked, and it is what runs.
        let link = "\(tree.directory)/link"
        symlink(worldWritable, link)
        #expect(await Self.runsAs(link, settings: secure, keepalivedScript: false) == .failure(
            CheckConfigurationError(.scriptInsecure, "misc_path program '\(link)' would run with root's powers "
                + "but '\(worldWritable)' is writable by anybody (enable_script_security)")))

        // Run as nobody, but set-user-ID root: root's powers all the same (keepalived's
        // need_script_protection), so the path is checked.
        let setuid = tree.script("setuid", mode: 0o4757)
        chmod(setuid, 0o4757)
        #expect(await Self.runsAs(setuid, user: ScriptUser(name: "nobody"), settings: secure, keepalivedScript: false)
            == .failure(CheckConfigurationError(.scriptInsecure, "misc_path program '\(setuid)' would run with root's "
                + "powers but '\(setuid)' is writable by anybody (enable_script_security)")))

        // Not as root: nothing to protect. Without enable_script_security: keepalived only warns.
        #expect(await Self.runsAs(worldWritable, user: ScriptUser(name: "nobody"), settings: secure, keepalivedScript: false)
            == .success("65534:65534"))
        #expect(await Self.runsAs(worldWritable, keepalivedScript: false) == .success("0:0"))
    }
}
