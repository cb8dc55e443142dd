#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

extension RemoteDestination {
    /// `--remote` or `MINDBEAT_REMOTE` (`source`), read; a refusal names both.
    static func parse(_ text: String, from source: String) throws(UsageError) -> RemoteDestination {
        do {
            return try parse(text)
        } catch {
            throw UsageError("\(source) \(Parser.shown(text)) \(error.problem); give [USER@]HOST[:PORT]")
        }
    }
}

/// The client side of team mode (SPEC §11): runs the command line on a
/// mindbeat server over ssh, and exits as the remote command did.
struct RemoteClient {
    let destination: RemoteDestination
    let command: Command
    let arguments: Arguments
    let globals: Parser.Globals
    let context: Context

    /// A client for this command line, or nil when it runs here: no remote
    /// is set, or it is `help`, `--version`, `completions` or the completion
    /// helper (which asks the remote itself, only for ids and emails).
    init?(request: Request, globals: Parser.Globals, context: Context) throws {
        let source: String
        let target: String
        if let given = globals.remote {
            (source, target) = ("--remote", given)
        } else if globals.db != nil {
            // A database named on the line wins over the environment's remote.
            return nil
        } else if let set = context.environment["MINDBEAT_REMOTE"], !set.isEmpty {
            (source, target) = ("MINDBEAT_REMOTE", set)
        } else {
            return nil
        }
        guard case .run(let command, let arguments) = request, !RemoteClient.runsHere.contains(command.path[0]) else { return nil }
        // What sshd runs on the server runs there, whatever remote its
        // environment names; asked for on the line, it is refused below.
        if command.path[0] == "serve" && globals.remote == nil { return nil }
        self.destination = try RemoteDestination.parse(target, from: source)
        if globals.db != nil { throw RemoteServer.notAvailable(.otherDatabase) }
        // What the server would refuse is refused here, before a password is
        // asked for or a connection made.
        if let refusal = RemoteAccess.refusal(path: command.path) { throw RemoteServer.notAvailable(refusal) }
        self.command = command
        self.arguments = arguments
        self.globals = globals
        self.context = context
    }

    /// The commands that never need the server: help, the completion script,
    /// and the completion helper (which asks the server itself when it must).
    static let runsHere: Set<String> = ["help", "completions", "__complete"]

    /// Whether the command reads standard input: a `-` argument, or a
    /// password read from it.
    var readsStandardInput: Bool {
        arguments.values.values.contains(.string("-")) || arguments.has(.passwordStdin)
            // `keys add` without a key reads its line from a pipe.
            || (command.path == ["keys", "add"] && arguments[.publicKey] == nil && !context.stdinIsTerminal)
    }

    /// Runs `words` (the command line as typed) on the server.
    func run(_ words: [String]) throws -> Int32 {
        var sent = RemoteClient.sentWords(words.indices.filter { !globals.positions.contains($0) }.map { words[$0] },
                                          savedFile: savedFile)
        // A line break or a NUL cannot travel in the command line (the server
        // refuses the whole line); the word is never named, as it may be a note.
        if !sent.allSatisfy(CommandWords.canSend) {
            throw UsageError("an argument holds a line break, which cannot travel over SSH; pass such text with - on standard input")
        }
        var input: [UInt8]?
        if command.path == ["notes", "add"], arguments[.text] == nil, context.stdinIsTerminal {
            // The local editor; the body goes to the server on standard input.
            input = Array(try context.editText().utf8)
            sent.append("-")
        }
        if command.option(named: Key.passwordStdin.name) != nil, !arguments.has(.passwordStdin) {
            // The server has no terminal to ask on: the password is asked
            // for here and sent on standard input, never on the command line.
            let email = arguments[.emailArgument] ?? arguments[.email]
            let password = try context.readPassword(
                fromStdin: false, confirm: true, prompt: email.map { "Password for \($0): " } ?? "Password: ",
                use: .new(name: arguments[.name], email: email))
            input = Array((password + "\n").utf8)
            sent.append("--password-stdin")
        }
        let zone = globals.tz ?? SystemZone.name(context.environment)
        if zone == nil, let local = context.environment["TZ"], !local.isEmpty {
            context.warn("warning: TZ \(Parser.shown(local)) is not a zone name the server knows (such as Europe/Berlin); "
                + "times are in the server's zone: give --tz ZONE")
        }
        func line(_ words: [String]) throws -> String {
            let line = CommandWords.quote(["mindbeat"] + (zone.map { ["--tz", $0] } ?? []) + words)
            guard line.utf8.count <= CommandWords.limitBytes else {
                throw UsageError("the command line is longer than 65,536 bytes once quoted for SSH; pass long text with - on standard input instead")
            }
            return line
        }
        var ssh = try RemoteClient.sshPrefix(destination, context: context)
        if input == nil && !readsStandardInput { ssh.append("-n") }
        ssh.append(destination.sshDestination)
        if let file = savedFile {
            // `report --svg FILE`: the server prints the image alone (`--svg
            // -`), and the file is written here, whole, once that succeeded;
            // then the report itself runs as asked, without the file.
            let collected = OutputCollector()
            let status = try RemoteClient.runSSH(ssh + ["--", try line(RemoteClient.imageWords(sent))], host: destination.host,
                                                 input: input, output: collected, context: context)
            guard status == 0 else { return status }
            try Files.write(bytes: collected.bytes, to: file)
        }
        return try RemoteClient.runSSH(ssh + ["--", try line(sent)], host: destination.host, input: input,
                                       output: OutputRelay(fd: context.stdoutFD), context: context)
    }

    /// The file a command writes on the client from the server's standard
    /// output (`report --svg FILE`), if any.
    var savedFile: String? {
        guard command.path == ["report"], let file = arguments[.svg], file != "-" else { return nil }
        return file
    }

    /// The words to send: those typed, less the global options and, when
    /// the client writes the file itself (`--svg FILE`), less that option.
    static func sentWords(_ words: [String], savedFile: String?) -> [String] {
        guard savedFile != nil else { return words }
        var sent: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "--" {
                sent += words[index...]
                break
            }
            if word == "--svg" && index + 1 < words.count {
                index += 2
                continue
            }
            if !word.hasPrefix("--svg=") { sent.append(word) }
            index += 1
        }
        return sent
    }

    /// The same report printing its chart alone: `--svg -`, without
    /// `--json` or `--csv`, before any `--`.
    static func imageWords(_ sent: [String]) -> [String] {
        let end = sent.firstIndex(of: "--") ?? sent.endIndex
        return sent[..<end].filter { $0 != "--json" && $0 != "--csv" } + ["--svg", "-"] + sent[end...]
    }

    /// The ssh command up to the destination: `ssh -T -o BatchMode=yes [-p
    /// PORT]`.
    static func sshPrefix(_ destination: RemoteDestination, context: Context, quiet: Bool = false) throws -> [String] {
        var ssh = try sshCommand(destination, context: context, quiet: quiet) + ["-T", "-o", "BatchMode=yes"]
        if let port = destination.port { ssh += ["-p", String(port)] }
        return ssh
    }

    /// `$MINDBEAT_SSH` split on spaces, else ssh reusing one connection per
    /// server (a master that lingers 10 minutes), its socket in a 0700
    /// directory of mindbeat's.
    static func sshCommand(_ destination: RemoteDestination, context: Context, quiet: Bool) throws -> [String] {
        if let custom = context.environment["MINDBEAT_SSH"], !custom.isEmpty {
            let words = custom.split(whereSeparator: { $0 == " " }).map(String.init)
            guard !words.isEmpty else { throw UsageError("MINDBEAT_SSH is only spaces; unset it or give an ssh command") }
            return words
        }
        guard let path = controlPath(destination, context: context, quiet: quiet) else { return ["ssh"] }
        return ["ssh", "-o", "ControlMaster=auto", "-o", "ControlPersist=10m", "-o", "ControlPath=" + path]
    }

    /// The socket path for this destination, or nil to go without a shared
    /// connection: no state directory, or a path too long for a Unix socket
    /// (108 bytes, of which ssh needs 17 for its temporary name).
    static func controlPath(_ destination: RemoteDestination, context: Context, quiet: Bool) -> String? {
        let directory: PrivateDirectory
        do {
            guard let state = try context.stateDirectory(create: true) else { return nil }
            defer { state.close() }
            directory = try state.subdirectory("ssh")
        } catch {
            // Every command then connects anew: slow, so said.
            let (_, lines) = ExitStatus.describe(error, zone: context.zone, now: context.now)
            if !quiet { for line in lines { context.warn("warning: not sharing one SSH connection: " + line) } }
            return nil
        }
        directory.close()
        let name = destination.sshDestination + ":" + String(destination.port ?? 22)
        let path = directory.path + "/" + Secrets.hex(Array(Secrets.tokenHash(name).prefix(8)))
        return path.utf8.count + 17 < 108 ? path : nil
    }

    /// Asks the server to complete `words` (without the `--remote` and
    /// `--db` on them), its reply going straight to standard output. Quiet
    /// and quick: ssh's messages are dropped, and it gets 5 seconds.
    static func complete(_ words: [String], on destination: RemoteDestination, context: Context) {
        var kept: [String] = []
        var skip = false
        for word in words.dropLast() {
            if skip { skip = false; continue }
            if word == "--remote" || word == "--db" { skip = true; continue }
            if word.hasPrefix("--remote=") || word.hasPrefix("--db=") { continue }
            kept.append(word)
        }
        kept.append(words.last ?? "")
        let zone = SystemZone.name(context.environment)
        let line = CommandWords.quote(["mindbeat"] + (zone.map { ["--tz", $0] } ?? []) + ["__complete", "--"] + kept)
        guard line.utf8.count <= CommandWords.limitBytes,
              let client = try? RemoteClient.sshPrefix(destination, context: context, quiet: true) else { return }
        var child = ChildProcess(arguments: client + ["-n", destination.sshDestination, "--", line])
        child.relayError = { _ in }
        child.timeout = 5
        _ = try? child.run()
    }

    /// Runs ssh, passing on its standard error (ssh's own lines prefixed as
    /// mindbeat's), and gives the remote status: ssh's own failure (255) is
    /// 75, a key the server refused 77, Ctrl-C 130.
    static func runSSH(
        _ arguments: [String], host: String, input: [UInt8]?, output: some OutputSink, context: Context
    ) throws -> Int32 {
        var child = ChildProcess(arguments: arguments)
        child.input = input
        let relay = ErrorRelay(fd: context.stderrFD)
        child.relayError = { bytes in relay.pass(bytes) }
        // The remote command's output comes through mindbeat, not straight
        // from ssh, which does not say when it cannot write it: a full disk
        // or a closed output is 74 here, as for a local command.
        child.relayOutput = { bytes in output.pass(bytes) }
        child.started = { pid in Interrupt.child = pid }
        Interrupt.watch()
        defer { Interrupt.stopWatching() }
        let result: ChildProcess.Result
        do {
            result = try child.run()
        } catch let failure as ChildProcess.SpawnFailure {
            throw CommandFailure.unavailable("\(failure.message); team mode needs an ssh client (apt-get install openssh-client)")
        }
        relay.finish()
        if let signal = Interrupt.received { Interrupt.end(by: signal) }
        if let failure = output.failure {
            // A reader that went away (`| head`) is not worth a message.
            throw OutputError(message: failure == EPIPE ? nil
                : "cannot write output: \(String(cString: strerror(failure))); the command ran on the server all the same")
        }
        switch result.ending {
        case .exited(255):
            let said = String(decoding: result.errorOutput, as: UTF8.self)
            if said.contains("Permission denied (") {
                throw CommandFailure.unsafe("the server did not accept your SSH key; ask an admin to register it (mindbeat keys add)")
            }
            throw CommandFailure.unavailable("could not run the command on \(Parser.sanitized(host)) over SSH (ssh failed); try again")
        case .exited(let status):
            return status
        case .signalled(let signal):
            return 128 + signal
        case .timedOut:
            return ExitStatus.temporaryFailure.rawValue
        }
    }
}

/// Where the remote command's standard output goes.
protocol OutputSink: AnyObject {
    /// Takes the next bytes; false once it takes no more.
    func pass(_ bytes: ArraySlice<UInt8>) -> Bool
    /// Why it could not take them (errno), if it could not.
    var failure: Int32? { get }
}

/// Keeps the remote command's output, for a file the client writes.
final class OutputCollector: OutputSink {
    private(set) var bytes: [UInt8] = []
    let failure: Int32? = nil

    func pass(_ bytes: ArraySlice<UInt8>) -> Bool {
        self.bytes += bytes
        return true
    }
}

/// Passes the remote command's output on as it comes, and remembers why it
/// could not (errno), after which it takes no more.
final class OutputRelay: OutputSink {
    let fd: Int32
    private(set) var failure: Int32?

    init(fd: Int32) { self.fd = fd }

    func pass(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard failure == nil else { return false }
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                failure = written < 0 ? errno : EIO
                return false
            }
            offset += written
        }
        return true
    }
}

/// Passes ssh's standard error on, line by line: the remote mindbeat's lines
/// already start with "mindbeat: ", ssh's own get it.
final class ErrorRelay {
    let fd: Int32
    private var line: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    func pass(_ bytes: ArraySlice<UInt8>) {
        for byte in bytes {
            line.append(byte)
            if byte == 10 { flushLine() }
        }
    }

    func finish() {
        if !line.isEmpty {
            line.append(10)
            flushLine()
        }
    }

    private func flushLine() {
        let prefix = Array("mindbeat: ".utf8)
        // ssh ends its lines with CR LF when it has no terminal of its own.
        if line.count >= 2 && line[line.count - 2] == 13 { line.remove(at: line.count - 2) }
        let text = String(decoding: line.dropLast(), as: UTF8.self)
        // What reaches the terminal passes the display filter: an escape
        // sequence from a server or a proxy never drives the reader's terminal.
        var shown = ""
        for scalar in text.unicodeScalars {
            shown.unicodeScalars.append(Values.isUnprintable(scalar) && scalar != "\t" ? "?" : scalar)
        }
        let body = Array(shown.utf8) + [10]
        let out = body.starts(with: prefix) ? body : prefix + body
        var offset = 0
        while offset < out.count {
            let written = out[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { break }
            offset += written
        }
        line = []
    }
}

/// A signal while ssh runs. Ctrl-C reaches ssh from the terminal as well;
/// SIGTERM, SIGHUP and SIGQUIT sent to mindbeat alone are passed on to ssh,
/// so that it never lingers as an orphan. Once ssh has ended, mindbeat ends
/// by the same signal (the shell sees 128 + n: 130 for Ctrl-C).
enum Interrupt {
    nonisolated(unsafe) static var signalNumber: sig_atomic_t = 0
    nonisolated(unsafe) static var child: pid_t = 0
    nonisolated(unsafe) static var previous: [Int32: sighandler_t] = [:]
    static let watched = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    static var received: Int32? { signalNumber == 0 ? nil : signalNumber }

    static func watch() {
        signalNumber = 0
        let handler: @convention(c) (Int32) -> Void = { number in
            Interrupt.signalNumber = number
            if Interrupt.child > 0 { kill(Interrupt.child, number) }
        }
        for number in watched {
            let before = signal(number, handler)
            // Ignored by whoever started mindbeat (a background job): it stays so.
            if let before, unsafeBitCast(before, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                signal(number, SIG_IGN)
            }
            previous[number] = before
        }
    }

    static func stopWatching() {
        child = 0
        for (number, handler) in previous { signal(number, handler) }
        previous = [:]
    }

    static func end(by number: Int32) -> Never {
        signal(number, SIG_DFL)
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, number)
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
        raise(number)
        exit(128 + number)
    }
}
