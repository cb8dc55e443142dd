#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

/// The version `mindbeat --version` prints.
public let mindbeatVersion = "0.1.0"

/// A command's view of an authenticated caller: the rules over the open
/// database and the actor they act as. Only `Context.signIn` makes one, and
/// the runner calls it for every command the table marks as needing a login.
struct SignedIn {
    let context: Context
    let mindbeat: Mindbeat
    let actor: Actor

    var now: Instant { context.now }
    var out: Output { context.out }
    var render: Render { context.render }
}

/// Runs one mindbeat command line and returns its exit status. Everything it
/// touches is passed in, so tests can call it in-process — except the local
/// zone: the C library reads `TZ` from the process's own environment, which for
/// the binary is the same thing.
public func run(
    arguments: [String], environment: [String: String], stdin: Int32 = 0, stdout: Int32 = 1, stderr: Int32 = 2
) -> Int32 {
    var clock: any Clock = SystemClock()
    // The forced command of team mode chooses its clock itself (SPEC §11).
    if !RemoteServer.isForcedCommand(arguments) {
        do {
            if let chosen = try testClock(environment) { clock = chosen }
        } catch {
            for line in error.lines { Diagnostics(fd: stderr).line(line) }
            return ExitStatus.usage.rawValue
        }
    }
    return run(arguments: arguments, environment: environment, stdin: stdin, stdout: stdout, stderr: stderr, clock: clock)
}

/// `run` with the clock given: tests pass one that moves on every reading,
/// to prove a command reads it once. `remote` is set for a command that
/// came over SSH (`serve ssh`), which runs as the key's account on the
/// server's database and may do less (SPEC §11).
func run(
    arguments: [String], environment: [String: String], stdin: Int32, stdout: Int32, stderr: Int32, clock: any Clock,
    remote: RemoteCaller? = nil
) -> Int32 {
    let diagnostics = Diagnostics(fd: stderr)
    let zone = SystemZone()
    let context = Context(environment: environment, stdin: stdin, stdout: stdout, stderr: stderr, clock: clock, zone: zone)
    context.remoteKey = remote?.keyID
    let now = context.now
    do {
        if remote != nil { try RemoteServer.refuseEarly(arguments, table: Commands.table) }
        var parser = Parser(table: Commands.table) { text throws(InvalidValue) in
            try TimeInput.parse(text, now: now, zone: zone)
        }
        parser.selectZone = { name throws(UsageError) in try SystemZone.select(name, environment: environment) }
        let (request, globals) = try parser.parse(arguments)
        if let remote {
            context.databaseOverride = remote.database
            context.givenStore = remote.store
            try RemoteServer.refuse(request, globals: globals, context: context)
        } else {
            context.databaseOverride = globals.db
            if let client = try RemoteClient(request: request, globals: globals, context: context) {
                return try client.run(arguments)
            }
        }
        switch request {
        case .version:
            context.out.line("mindbeat \(mindbeatVersion)")
        case .help(let words):
            try context.showHelp(words)
        case .run(let command, let parsed):
            switch command.action {
            case .open(let body):
                try body(context, parsed)
            case .signedIn(let body):
                try body(try context.signIn(), parsed)
            case .prepared(let prepare):
                let step = try prepare(Input(context), parsed)
                try step(try context.signIn())
            }
        }
        if !context.out.flush() { throw OutputError(message: outputFailure(context)) }
        return ExitStatus.success.rawValue
    } catch let finished as Finished {
        if !context.out.flush(), let message = outputFailure(context) { diagnostics.line(message) }
        return finished.status
    } catch {
        _ = context.out.flush()
        let (status, lines) = ExitStatus.describe(error, zone: zone, now: now)
        for line in lines { diagnostics.line(line) }
        if status == .success { return ExitStatus.software.rawValue }
        if let failure = context.out.failure, status != .ioError {
            // The command failed, and so did writing what it printed.
            diagnostics.line("cannot write output: \(String(cString: strerror(failure)))")
        }
        return status.rawValue
    }
}

/// Ends a command with a status of its own choosing and nothing more to say:
/// `serve ssh` passes on the status of the command it ran.
struct Finished: Error {
    let status: Int32
}

func outputFailure(_ context: Context) -> String? {
    guard let failure = context.out.failure else { return nil }
    // A reader that went away (`| head`) is not worth a message.
    if failure == EPIPE { return nil }
    let saved = context.savedAChange ? "; the change was saved all the same" : ""
    return "cannot write output: \(String(cString: strerror(failure)))\(saved)"
}
