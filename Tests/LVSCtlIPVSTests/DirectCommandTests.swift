import ArgumentParser
import Testing

@testable import lvsctl

/// The command lines `lvsctl` runs without ArgumentParser, and that ArgumentParser reads each of
/// them to the same command and flags.
@Suite struct DirectCommandTests {
    @Test(arguments: [
        (["save"], DirectCommand.save(numeric: false)),
        (["save", "-n"], .save(numeric: true)),
        (["save", "--numeric"], .save(numeric: true)),
        (["list"], .list(numeric: false)),
        (["list", "-n"], .list(numeric: true)),
        (["list", "--numeric"], .list(numeric: true)),
        (["restore"], .restore(check: false)),
        (["restore", "--check"], .restore(check: true)),
    ])
    func directShapesMatchArgumentParser(_ arguments: [String], _ expected: DirectCommand) throws {
        #expect(DirectCommand(arguments: arguments) == expected)
        let parsed = try LVSCtl.parseAsRoot(arguments)
        switch expected {
        case .save(let numeric):
            let save = try #require(parsed as? SaveCommand)
            #expect(save.numeric == numeric && !save.json)
        case .list(let numeric):
            let list = try #require(parsed as? ListCommand)
            #expect(list.ipvsadmArguments == ["-L"] + (numeric ? ["-n"] : []))
            #expect(!list.json)
        case .restore(let check):
            let restore = try #require(parsed as? RestoreCommand)
            #expect(restore.check == check)
        }
    }

    @Test(arguments: [
        [], ["save", "-n", "-n"], ["save", "-nn"], ["save", "--json"], ["save", "-h"], ["save", "--help"],
        ["save", "-n", "--json"], ["list", "-c"], ["list", "-n", "--stats"], ["list", "-t", "1.2.3.4:80"],
        ["restore", "-n"], ["restore", "--help"], ["ipvsadm", "-Ln"], ["help", "save"], ["--help"], ["Save"],
        ["save", ""], ["list", "-N"],
    ])
    func otherCommandLinesUseArgumentParser(_ arguments: [String]) {
        #expect(DirectCommand(arguments: arguments) == nil)
    }
}
