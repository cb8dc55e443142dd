#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCLI

// A closed pipe and a file-size limit must become write errors (exit 74),
// never signals.
signal(SIGPIPE, SIG_IGN)
signal(SIGXFSZ, SIG_IGN)

var environment: [String: String] = [:]
var entry = environ
while let pointer = entry.pointee {
    let pair = String(cString: pointer)
    if let equals = pair.firstIndex(of: "=") {
        environment[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
    }
    entry += 1
}
exit(run(arguments: Array(CommandLine.arguments.dropFirst()), environment: environment))
