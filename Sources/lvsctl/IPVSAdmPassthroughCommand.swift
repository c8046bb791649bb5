import ArgumentParser
import IPVSAdm
import IPVSNetlink

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `lvsctl ipvsadm ARGS...`: ipvsadm's complete command line, texts and exit codes.
struct IPVSAdmPassthroughCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipvsadm",
        abstract: "Run an ipvsadm command line (drop-in for ipvsadm 1.31).",
        discussion: "Everything after `ipvsadm` is read as ipvsadm reads it, including -h.")

    @Argument(parsing: .captureForPassthrough, help: "ipvsadm arguments.")
    var arguments: [String] = []

    func run() throws {
        let handle: IPVSHandle
        do {
            handle = try IPVSHandle()
        } catch {
            // ipvsadm reports EPERM, or ENOPROTOOPT when the family is missing.
            let reason = IPVSErrorMessages.openText(errno: error.code == .permissionDenied ? EPERM : ENOPROTOOPT)
            IPVSCommandSupport.fail("Can't initialize ipvs: \(reason)\n"
                + "Are you sure that IP Virtual Server is built in the kernel or as module?", code: 2)
        }
        let runner = IPVSAdmRunner(kernel: handle)
        IPVSCommandSupport.finish(runner.run(arguments, input: IPVSCommandSupport.readStandardInput))
    }
}
