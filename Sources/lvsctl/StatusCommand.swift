import ArgumentParser
import Director
import IPVSAdm
import IPVSModel
import IPVSNetlink

/// `lvsctl status`: the running director (when lvsd runs) and a summary of the kernel's
/// IPVS state.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running lvsd and summarize the kernel's IPVS state.",
        discussion: """
            When lvsd runs: its reconciler, its VRRP instances (state, priority, master, time \
            since the last transition, packet counters), every virtual server with its quorum \
            and owner, and every real server with its health, configured and effective weight, \
            connections and last check result. Then the kernel: version and connection table size, virtual services by \
            protocol, real servers (and how many have weight 0), connection counts, global \
            timeouts and sync daemons: what `ipvsadm -Ln`, `ipvsadm -L --timeout` and \
            `ipvsadm -L --daemon` show, in one summary. With --json: {"kernel": ..., "lvsd": ...}, \
            "kernel" null with "kernelError" when IPVS cannot be read, "lvsd" {"running": false, \
            "error": ...} when lvsd does not answer. Exit status 1 when neither can be read.
            """)

    @Flag(help: "Structured JSON instead of text.") var json = false
    @OptionGroup var socket: ControlSocketOption

    func run() throws {
        let daemon: Result<DirectorStatus, ControlClient.Failure>
        do throws(ControlClient.Failure) {
            let response = try ControlClient.send(ControlRequest(command: .status), to: socket.path)
            if let status = response.status {
                daemon = .success(status)
            } else {
                daemon = .failure(.badResponse(response.error ?? "no status"))
            }
        } catch {
            daemon = .failure(error)
        }
        let kernel: Result<IPVSStatus, IPVSError>
        do throws(IPVSError) {
            let handle = try IPVSHandle()
            kernel = .success(IPVSStatus(info: try handle.info(), table: try handle.table(),
                                         timeouts: try handle.timeouts(), syncDaemons: try handle.daemons()))
        } catch {
            kernel = .failure(error)
        }
        if json {
            var out = "{\"kernel\":"
            switch kernel {
            case .success(let status):
                out += status.jsonText().trimmingTrailingNewline
            case .failure(let error):
                out += "null,\"kernelError\":" + DirectorJSON.text(IPVSCommandSupport.oneLine(error))
            }
            out += ",\"lvsd\":"
            switch daemon {
            case .success(let status): out += DirectorJSON.text(status)
            case .failure(let error): out += "{\"error\":\(DirectorJSON.text(error.description)),\"running\":false}"
            }
            Console.write(out + "}\n")
        } else {
            switch daemon {
            case .success(let status): Console.write(status.text + "\n")
            case .failure: break
            }
            switch kernel {
            case .success(let status): Console.write(status.text)
            case .failure(let error): Console.write(IPVSCommandSupport.oneLine(error) + "\n")
            }
            if case .failure(let error) = daemon { Console.write("\(error)\n") }
        }
        if case .failure = daemon, case .failure = kernel { Console.exit(1) }
    }
}

extension String {
    var trimmingTrailingNewline: String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
