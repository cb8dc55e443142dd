#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

/// What a command that keeps watching a session needs (SPEC §13): the rules
/// on the clock as it runs (a running test clock included), and the feed of
/// changes other processes commit. It sleeps on the feed — never in a busy
/// loop — until a change, a time that matters, or its own deadline.
struct LiveSession {
    let signedIn: SignedIn
    /// The same database and caller, with the clock running.
    let mindbeat: Mindbeat
    let feed: any ChangeFeed
    var clock: any Clock { mindbeat.clock }

    init(_ signedIn: SignedIn) throws {
        self.signedIn = signedIn
        let context = signedIn.context
        mindbeat = Mindbeat(store: signedIn.mindbeat.store, clock: context.runningClock, zone: context.zone,
                            eventDescription: Phrases.eventDescription)
        feed = try mindbeat.store.changes()
    }

    /// Render for the instant `at`.
    func render(at instant: Instant, color: Bool? = nil) -> Render {
        let context = signedIn.context
        return Render(zone: context.zone, now: instant, color: color ?? context.usesColor)
    }

    /// Sleeps for at most `seconds` of real time, or until `instant` comes on
    /// the running clock, whichever is first; wakes early for a change to the
    /// database or a signal. The reader of the output going away ends the
    /// command (a client of `serve ssh` that was stopped, `| head`).
    @discardableResult
    func sleep(seconds: Double, orUntil instant: Instant? = nil) throws -> Wake {
        var wait = max(0, seconds)
        if let instant, let due = clock.realSeconds(until: instant) {
            // A millisecond at least, so that a clock read a hair early is
            // read again after it has moved.
            wait = min(wait, max(due, 0.001))
        }
        let milliseconds = Int(min(wait * 1000, 3_600_000).rounded(.up))
        let wake = try feed.wait(milliseconds: milliseconds, hangUp: signedIn.context.stdoutFD)
        if wake == .hungUp { throw OutputError(message: nil) }
        return wake
    }

    /// Writes what is buffered now: a watcher's lines are read as they come.
    func flush() throws {
        if !signedIn.out.flush() { throw OutputError(message: outputFailure(signedIn.context)) }
    }
}

/// The signals a live view on a terminal handles itself, so that the
/// terminal is put back before mindbeat goes: Ctrl-C and its kin end it,
/// a resize redraws, Ctrl-Z puts the terminal back before stopping.
enum LiveSignals {
    nonisolated(unsafe) static var stop: sig_atomic_t = 0
    nonisolated(unsafe) static var resized: sig_atomic_t = 0
    nonisolated(unsafe) static var suspend: sig_atomic_t = 0
    nonisolated(unsafe) static var previous: [Int32: sigaction] = [:]
    static let stopping = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    static func install() {
        stop = 0
        resized = 0
        suspend = 0
        let onStop: @convention(c) (Int32) -> Void = { number in LiveSignals.stop = number }
        let onResize: @convention(c) (Int32) -> Void = { _ in LiveSignals.resized = 1 }
        let onSuspend: @convention(c) (Int32) -> Void = { _ in LiveSignals.suspend = 1 }
        for number in stopping { handle(number, onStop) }
        handle(SIGWINCH, onResize)
        handle(SIGTSTP, onSuspend)
    }

    /// No SA_RESTART: a signal cuts the sleep short, so it is seen at once.
    private static func handle(_ number: Int32, _ handler: @convention(c) (Int32) -> Void) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        var before = sigaction()
        sigaction(number, nil, &before)
        // A signal ignored by whoever started mindbeat (a background job) stays so.
        let ignored = unsafeBitCast(before.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
        if ignored && number != SIGWINCH { return }
        sigaction(number, &action, nil)
        // Installed again after Ctrl-Z: what was there first is what stays saved.
        if previous[number] == nil { previous[number] = before }
    }

    static func restore() {
        for (number, var action) in previous { sigaction(number, &action, nil) }
        previous = [:]
    }
}

/// A terminal that a live view draws on: the alternate screen, no cursor and
/// no echo while it runs, and exactly the state it found on the way out —
/// at the end, on Ctrl-C and before Ctrl-Z stops the process.
final class LiveTerminal {
    let fd: Int32
    private var saved = termios()
    private var active = false

    init(fd: Int32) { self.fd = fd }

    /// The columns and rows of the terminal (80 × 24 if it cannot tell).
    var size: (columns: Int, rows: Int) {
        var window = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0 else { return (80, 24) }
        return (Int(window.ws_col), Int(max(window.ws_row, 1)))
    }

    func enter() {
        guard !active else { return }
        guard tcgetattr(fd, &saved) == 0 else { return }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(fd, TCSANOW, &quiet)
        active = true
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
    }

    func leave() {
        guard active else { return }
        write("\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(fd, TCSANOW, &saved)
        active = false
    }

    /// Draws a frame from the top left, each line cut to the width so that
    /// nothing wraps, and clears what an earlier, longer frame left.
    func draw(_ lines: [String], bell: Bool) {
        var frame = bell ? "\u{07}" : ""
        frame += "\u{1B}[H"
        for line in lines.prefix(size.rows) { frame += line + "\u{1B}[K\r\n" }
        frame += "\u{1B}[J"
        write(frame)
    }

    func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}

extension Interrupt {
    /// Ends mindbeat by the signal that asked it to stop, once its terminal is
    /// put back: the shell sees 128 + n (130 for Ctrl-C).
    static func endLive(by number: Int32) -> Never {
        LiveSignals.restore()
        end(by: number)
    }
}
