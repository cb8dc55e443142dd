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

// SIGQUIT (Ctrl-\) ends mindbeat as SIGINT does: at once, by the signal,
// with nothing half-written (every write is a transaction). Left alone, a
// dynamically linked build has the Swift runtime's backtracer catch it: a crash
// report, a debugger offered on a terminal, and then the command carries on.
// (The runtime installs its handler before this line runs, whatever
// SWIFT_BACKTRACE says, unless the signal is ignored; this replaces it.) And no
// core file, unlike SIGQUIT's default: one would hold the password being read,
// or a login. A SIGQUIT ignored by whoever started mindbeat (a shell's
// background job) stays ignored, as with ssh.
// The core limit is set here, once, rather than in the handler (setrlimit is
// not async-signal-safe), so that every handler that re-raises SIGQUIT — the
// one below, the password prompt's — ends without a core file.
var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
let quit: @convention(c) (Int32) -> Void = { signalNumber in
    signal(signalNumber, SIG_DFL)
    raise(signalNumber)
}
if unsafeBitCast(signal(SIGQUIT, quit), to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { signal(SIGQUIT, SIG_IGN) }
// The signals that stop a command are never blocked: a mask inherited from
// whatever started mindbeat (a test runner's threads block them) would let a
// command carry on after Ctrl-C, Ctrl-\ or a SIGTERM.
var stopping = sigset_t()
sigemptyset(&stopping)
for stop in [SIGINT, SIGQUIT, SIGTERM, SIGHUP] { sigaddset(&stopping, stop) }
sigprocmask(SIG_UNBLOCK, &stopping, nil)

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
