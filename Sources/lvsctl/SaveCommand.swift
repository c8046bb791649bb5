import ArgumentParser
import IPVSAdm
import IPVSModel
import IPVSNetlink

/// `lvsctl save`: `ipvsadm -S [-n]`.
struct SaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save",
        abstract: "Print the table as ipvsadm rules (ipvsadm -S).",
        discussion: "Prints exactly what `ipvsadm -S [-n]` prints; `lvsctl restore` reads it back.")

    @Flag(name: [.short, .long], help: "Numeric addresses and ports (ipvsadm -S -n).") var numeric = false
    @Flag(help: "Structured JSON instead of rules.") var json = false

    func run() throws {
        try Self.save(numeric: numeric, json: json)
    }

    static func save(numeric: Bool, json: Bool) throws {
        let handle = try IPVSCommandSupport.openHandle()
        do {
            let table = try handle.table()
            if json {
                Console.write(TableSnapshot(table, info: try handle.info()).jsonText())
            } else {
                Console.write(IPVSAdmText.save(table, numeric: numeric))
            }
        } catch {
            IPVSCommandSupport.fail(IPVSCommandSupport.oneLine(error), code: 1)
        }
    }
}
