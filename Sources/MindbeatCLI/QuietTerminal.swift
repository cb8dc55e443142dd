#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The terminal settings to put back if a signal ends mindbeat while a
/// password is typed with echo off; read by the signal handler only.
nonisolated(unsafe) private var echoingSettings = termios()
nonisolated(unsafe) private var echoingFD: Int32 = -1

/// Turns echo back on, then lets the signal end the process as it would
/// have (its default action, so the shell sees "killed by SIGINT").
/// tcsetattr, signal and raise are async-signal-safe.
private let restoreEchoAndDie: @convention(c) (Int32) -> Void = { signalNumber in
    if echoingFD >= 0 { tcsetattr(echoingFD, TCSANOW, &echoingSettings) }
    signal(signalNumber, SIG_DFL)
    raise(signalNumber)
}

/// Echo turned off on a terminal for as long as a password is typed — and
/// turned back on however that ends: the answer, an error, or Ctrl-C, Ctrl-\
/// or a hang-up, which would otherwise leave the shell typing blind.
enum QuietTerminal {
    static let signals = [SIGINT, SIGQUIT, SIGTERM, SIGHUP]

    /// Runs `body` with echo off on `fd` (if it is a terminal).
    static func withoutEcho<T>(_ fd: Int32, _ body: () throws -> T) rethrows -> T {
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return try body() }
        echoingSettings = saved
        echoingFD = fd
        // A signal ignored by whoever started mindbeat (nohup) stays ignored.
        let previous = signals.map { signalNumber in
            let previous = signal(signalNumber, restoreEchoAndDie)
            if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { signal(signalNumber, SIG_IGN) }
            return previous
        }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(fd, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(fd, TCSAFLUSH, &saved)
            for (signalNumber, handler) in zip(signals, previous) { signal(signalNumber, handler) }
            echoingFD = -1
        }
        return try body()
    }
}
