import ArgumentParser
import IPVSAdm
import IPVSNetlink

/// `lvsctl restore`: reads `ipvsadm -S` text on standard input and applies it in one batch.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Apply ipvsadm rules from standard input (ipvsadm -R).",
        discussion: """
        Reads `ipvsadm -S` / `ipvsadm-save` output and adds it to the current table, like \
        `ipvsadm -R`. The whole input is checked first: if any line is malformed, every bad line \
        is reported with its number and nothing is applied (exit 2). Kernel errors are reported \
        per line (exit 1). Lines starting with # are comments.
        """)

    @Flag(help: "Only check the input; apply nothing.") var check = false

    func run() throws {
        try Self.restore(check: check)
    }

    static func restore(check: Bool) throws {
        let input = IPVSCommandSupport.readStandardInput()
        let plan: RestorePlan
        do {
            plan = try RestorePlan(parsing: input, parser: IPVSAdmParser(program: "lvsctl"))
        } catch {
            IPVSCommandSupport.fail(error.errors.map { "lvsctl restore: \($0)" }.joined(separator: "\n"), code: 2)
        }
        if check { return }
        let handle = try IPVSCommandSupport.openHandle()
        let failures = plan.apply(to: handle)
        if !failures.isEmpty {
            IPVSCommandSupport.fail(failures.map { "lvsctl restore: \($0)" }.joined(separator: "\n"), code: 1)
        }
    }
}
