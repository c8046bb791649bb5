import ArgumentParser
import IPVSAdm
import IPVSModel
import IPVSNetlink

/// `lvsctl status`: a summary of the kernel's IPVS state.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Summarize the kernel's IPVS state.",
        discussion: """
            Version and connection table size, virtual services by protocol, real servers \
            (and how many have weight 0), connection counts, global timeouts and sync daemons: \
            what `ipvsadm -Ln`, `ipvsadm -L --timeout` and `ipvsadm -L --daemon` show, in one summary.
            """)

    @Flag(help: "Structured JSON instead of text.") var json = false

    func run() throws {
        let handle = try IPVSCommandSupport.openHandle()
        do {
            let status = IPVSStatus(info: try handle.info(), table: try handle.table(),
                                    timeouts: try handle.timeouts(), syncDaemons: try handle.daemons())
            Console.write(json ? status.jsonText() : status.text)
        } catch {
            IPVSCommandSupport.fail(IPVSCommandSupport.oneLine(error), code: 1)
        }
    }
}
