import ArgumentParser
import IPVSAdm
import IPVSNetlink

/// `lvsctl server add|edit|delete|drain`: real servers for people.
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Add, edit, drain or delete a real server (ipvsadm -a/-e/-d); disable or enable one in lvsd.",
        subcommands: [Add.self, Edit.self, Drain.self, Delete.self, Disable.self, Enable.self])

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "disable",
            abstract: "Put a real server in maintenance in the running lvsd: weight 0, kept across reloads and restarts until enabled.",
            discussion: "Example: lvsctl server disable tcp:10.0.0.1:80 192.168.1.10:80")
        @Argument(help: "The service: tcp:ADDR:PORT, udp:..., sctp:..., fwmark:MARK[:ipv6]") var service: String
        @Argument(help: "Real server ADDR:PORT ([v6]:PORT for IPv6), as lvsctl status shows it") var server: String
        @OptionGroup var socket: ControlSocketOption
        func run() throws { MaintenanceCommand.run(.disable, service: service, server: server, socket: socket) }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enable",
            abstract: "End a real server's maintenance in the running lvsd.",
            discussion: "Example: lvsctl server enable tcp:10.0.0.1:80 192.168.1.10:80")
        @Argument(help: "The service: tcp:ADDR:PORT, udp:..., sctp:..., fwmark:MARK[:ipv6]") var service: String
        @Argument(help: "Real server ADDR:PORT ([v6]:PORT for IPv6), as lvsctl status shows it") var server: String
        @OptionGroup var socket: ControlSocketOption
        func run() throws { MaintenanceCommand.run(.enable, service: service, server: server, socket: socket) }
    }

    enum Forwarding: String, ExpressibleByArgument, CaseIterable {
        case route, masquerade, tunnel
        var word: String {
            switch self {
            case .route: "-g"
            case .masquerade: "-m"
            case .tunnel: "-i"
            }
        }
    }

    struct Settings: ParsableArguments {
        @Option(name: [.customShort("F"), .long], help: "route (ipvsadm -g, default), masquerade (-m) or tunnel (-i).")
        var forward: Forwarding?
        @Option(name: [.short, .long], help: "Weight 0-65535 (ipvsadm -w).") var weight: Int?
        @Option(name: [.customShort("x"), .customLong("u-threshold")], help: "Upper connection threshold (ipvsadm -x).")
        var upper: Int?
        @Option(name: [.customShort("y"), .customLong("l-threshold")], help: "Lower connection threshold (ipvsadm -y).")
        var lower: Int?
        @Option(name: .customLong("tun-type"), help: "ipip, gue or gre (ipvsadm --tun-type).") var tunnelType: String?
        @Option(name: .customLong("tun-port"), help: "GUE port (ipvsadm --tun-port).") var tunnelPort: Int?
        @Option(name: .customLong("tun-checksum"), help: "nocsum, csum or remcsum (ipvsadm --tun-nocsum/--tun-csum/--tun-remcsum).")
        var tunnelChecksum: String?

        var words: [String] {
            var w: [String] = []
            if let forward { w.append(forward.word) }
            if let weight { w += ["-w", String(weight)] }
            if let upper { w += ["-x", String(upper)] }
            if let lower { w += ["-y", String(lower)] }
            if let tunnelType { w += ["--tun-type", tunnelType] }
            if let tunnelPort { w += ["--tun-port", String(tunnelPort)] }
            if let tunnelChecksum { w.append("--tun-" + tunnelChecksum) }
            return w
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a real server to a service. Equivalent to `ipvsadm -a`.",
            discussion: "Example: lvsctl server add tcp:10.0.0.1:80 192.168.1.10:8080 --forward masquerade --weight 3")
        @Argument(help: "The service: tcp:ADDR:PORT, udp:..., sctp:..., fwmark:MARK[:ipv6]") var service: ServiceSpec
        @Argument(help: "Real server ADDR[:PORT] ([v6]:PORT for IPv6)") var server: String
        @OptionGroup var settings: Settings
        func run() throws { try ServiceCommand.run(["-a"] + service.words + ["-r", server] + settings.words) }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit",
            abstract: "Change a real server. Equivalent to `ipvsadm -e` (unset options get ipvsadm's defaults).")
        @Argument(help: "The service") var service: ServiceSpec
        @Argument(help: "Real server ADDR[:PORT]") var server: String
        @OptionGroup var settings: Settings
        func run() throws { try ServiceCommand.run(["-e"] + service.words + ["-r", server] + settings.words) }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Remove a real server. Equivalent to `ipvsadm -d`.")
        @Argument(help: "The service") var service: ServiceSpec
        @Argument(help: "Real server ADDR[:PORT]") var server: String
        func run() throws { try ServiceCommand.run(["-d"] + service.words + ["-r", server]) }
    }

    struct Drain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "drain",
            abstract: "Stop new connections to a real server: weight 0, everything else kept. "
                + "Equivalent to `ipvsadm -e ... -w 0` with the server's current options.")
        @Argument(help: "The service") var service: ServiceSpec
        @Argument(help: "Real server ADDR[:PORT]") var server: String

        func run() throws {
            let command: IPVSAdmCommand
            do {
                command = try IPVSAdmParser(program: "lvsctl").parse(["-d"] + service.words + ["-r", server])
            } catch {
                IPVSCommandSupport.fail("lvsctl: " + error.message.trimmingSuffixNewline, code: 2)
            }
            guard case .deleteServer(let address, let port, let key) = command.action else { return }
            let handle = try IPVSCommandSupport.openHandle()
            do {
                let current = try handle.destinations(of: key)
                // Route and tunnel servers take the service port, as ipvsadm does.
                guard var destination = current.first(where: { $0.address == address && $0.port == port })
                    ?? current.first(where: { $0.address == address }) else {
                    IPVSCommandSupport.fail("lvsctl: no real server \(server) in \(key)", code: 1)
                }
                destination.weight = 0
                try handle.updateDestination(destination.configuration, in: key)
            } catch {
                IPVSCommandSupport.fail(IPVSCommandSupport.oneLine(error), code: 1)
            }
        }
    }
}
