/// `lvsctl save`, `list` and `restore` with at most their one common flag, run without
/// ArgumentParser.
///
/// Scripts run these in loops, where process start-up is most of the cost. Parsing the root
/// command costs ArgumentParser runtime reflection (`String(describing:)` of command types, `Mirror`
/// over every option, the completion-script pseudo-commands), and each first look-up scans every
/// protocol conformance in the binary: about 2 of the 5 ms `lvsctl save -n` spends on the host
/// before it opens the netlink socket, and far more in an emulated guest. Any other command line
/// (other flags, a flag twice, combined short flags, `-h`) goes through ArgumentParser, which
/// reads the shapes accepted here to the same flags (`DirectCommandTests`).
enum DirectCommand: Equatable {
    /// `lvsctl save [-n | --numeric]`
    case save(numeric: Bool)
    /// `lvsctl list [-n | --numeric]`
    case list(numeric: Bool)
    /// `lvsctl restore [--check]`
    case restore(check: Bool)

    /// The command for `arguments` (without the program name), or nil to use ArgumentParser.
    init?(arguments: [String]) {
        guard let name = arguments.first, arguments.count <= 2 else { return nil }
        let flag = arguments.count == 2 ? arguments[1] : nil
        switch name {
        case "save":
            guard let numeric = Self.numeric(flag) else { return nil }
            self = .save(numeric: numeric)
        case "list":
            guard let numeric = Self.numeric(flag) else { return nil }
            self = .list(numeric: numeric)
        case "restore":
            guard flag == nil || flag == "--check" else { return nil }
            self = .restore(check: flag != nil)
        default:
            return nil
        }
    }

    private static func numeric(_ flag: String?) -> Bool? {
        switch flag {
        case nil: false
        case "-n", "--numeric": true
        default: nil
        }
    }

    /// Runs the command as its ArgumentParser counterpart's `run()` does.
    func run() throws {
        switch self {
        case .save(let numeric): try SaveCommand.save(numeric: numeric, json: false)
        case .list(let numeric): try ListCommand.listText(["-L"] + (numeric ? ["-n"] : []))
        case .restore(let check): try RestoreCommand.restore(check: check)
        }
    }
}
