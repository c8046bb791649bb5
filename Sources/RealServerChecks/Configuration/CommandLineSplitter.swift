/// Splits a keepalived command line (`misc_path`) into arguments.
///
/// Arguments are separated by blanks; single quotes keep everything up to the next single quote,
/// double quotes keep everything up to the next double quote except that `\"` and `\\` are
/// escapes, and outside quotes a backslash keeps the next character. Quoted and unquoted parts
/// next to each other join into one argument, as a shell would, but nothing is expanded.
public enum CommandLineSplitter {
    public static func split(_ line: String) throws(CheckConfigurationError) -> [String] {
        var arguments: [String] = []
        var current: [Character] = []
        var inArgument = false
        var iterator = Array(line).makeIterator()
        while let c = iterator.next() {
            switch c {
            case " ", "\t", "\n":
                if inArgument {
                    arguments.append(String(current))
                    current = []
                    inArgument = false
                }
            case "'":
                inArgument = true
                var closed = false
                while let q = iterator.next() {
                    if q == "'" { closed = true; break }
                    current.append(q)
                }
                guard closed else {
                    throw CheckConfigurationError(.invalidCommandLine, "unterminated ' in '\(line)'")
                }
            case "\"":
                inArgument = true
                var closed = false
                while let q = iterator.next() {
                    if q == "\"" { closed = true; break }
                    if q == "\\" {
                        guard let escaped = iterator.next() else { break }
                        if escaped != "\"" && escaped != "\\" { current.append("\\") }
                        current.append(escaped)
                        continue
                    }
                    current.append(q)
                }
                guard closed else {
                    throw CheckConfigurationError(.invalidCommandLine, "unterminated \" in '\(line)'")
                }
            case "\\":
                inArgument = true
                guard let escaped = iterator.next() else {
                    throw CheckConfigurationError(.invalidCommandLine, "trailing backslash in '\(line)'")
                }
                current.append(escaped)
            default:
                inArgument = true
                current.append(c)
            }
        }
        if inArgument { arguments.append(String(current)) }
        guard !arguments.isEmpty else {
            throw CheckConfigurationError(.invalidCommandLine, "empty command line")
        }
        return arguments
    }
}
