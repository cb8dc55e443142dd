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

/// The process's environment, each entry split at its first "=" byte (as
/// getenv does). Bytes, not Characters: building this table one Character at a
/// time was two thirds of the instructions of `mindbeat --version` (486,000 of
/// 737,000 with 39 variables). Sized once, so the table never grows; invalid
/// UTF-8 is repaired as String(cString:) would.
func processEnvironment() -> [String: String] {
    var count = 0
    while environ[count] != nil { count += 1 }
    var environment: [String: String] = [:]
    environment.reserveCapacity(count)
    for index in 0..<count {
        guard let entry = environ[index] else { continue }
        let length = strlen(entry)
        entry.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            let all = UnsafeBufferPointer(start: bytes, count: length)
            guard let equals = all.firstIndex(of: UInt8(ascii: "=")) else { return }
            let name = String(decoding: UnsafeBufferPointer(rebasing: all[..<equals]), as: UTF8.self)
            environment[name] = String(decoding: UnsafeBufferPointer(rebasing: all[(equals + 1)...]), as: UTF8.self)
        }
    }
    return environment
}

// A global, so that it is never released: freeing every string of the
// environment just before exit cost 49,000 instructions (39 variables).
let environment = processEnvironment()
exit(run(arguments: Array(CommandLine.arguments.dropFirst()), environment: environment))
