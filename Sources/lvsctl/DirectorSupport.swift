import ArgumentParser
import Director
import FoundationEssentials
import IPVSAdm

/// `--control-socket PATH`: where lvsd listens (lvsd's own default).
struct ControlSocketOption: ParsableArguments {
    @Option(name: .customLong("control-socket"),
            help: ArgumentHelp("The control socket of lvsd.", valueName: "PATH"))
    var path = "/run/lvsd/lvsd.sock"

    /// Sends a request and waits for the answer at most `timeout`; on a failure to reach lvsd,
    /// says why on stderr and exits 1.
    func send(_ request: ControlRequest, timeout: Duration = .seconds(30)) -> ControlResponse {
        do throws(ControlClient.Failure) {
            return try ControlClient.send(request, to: path, timeout: timeout)
        } catch {
            IPVSCommandSupport.fail("lvsctl: \(error)", code: 1)
        }
    }
}

enum DirectorJSON {
    /// Compact JSON with sorted keys.
    static func text(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// `lvsctl reload`: lvsd reads its configuration again.
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Make lvsd read its configuration again (as SIGHUP does), showing the diagnostics.",
        discussion: """
            The new file is checked first. With errors, lvsd keeps running with the configuration \
            it has, the diagnostics are printed and the exit status is 1. Otherwise only the \
            difference is applied: unchanged checks keep their state. Exit status 0.
            """)

    @OptionGroup var socket: ControlSocketOption

    func run() throws {
        // A reload of a large configuration on a slow machine takes longer than a status.
        let response = socket.send(ControlRequest(command: .reload), timeout: .seconds(300))
        if let diagnostics = response.diagnostics { Console.write(diagnostics, to: .error) }
        guard response.ok else {
            IPVSCommandSupport.fail("lvsctl: reload refused: \(response.error ?? "unknown error")", code: 1)
        }
        Console.write("lvsd reloaded its configuration\n")
    }
}

/// `lvsctl server disable|enable SERVICE SERVER`: maintenance through lvsd.
struct MaintenanceCommand {
    static func run(_ command: ControlRequest.Command, service: String, server: String, socket: ControlSocketOption) {
        let response = socket.send(ControlRequest(command: command, service: service, server: server))
        guard response.ok else {
            IPVSCommandSupport.fail("lvsctl: \(response.error ?? "refused")", code: 1)
        }
        Console.write(command == .disable
                      ? "\(server) in \(service): disabled (weight 0, kept until enabled)\n"
                      : "\(server) in \(service): enabled\n")
    }
}
