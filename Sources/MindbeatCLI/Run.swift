#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

/// The version `mindbeat --version` prints.
public let mindbeatVersion = "0.1.0"

/// Runs one mindbeat command line and returns its exit status. Everything it
/// touches is passed in, so tests can call it in-process — except the local
/// zone: the C library reads `TZ` from the process's own environment, which for
/// the binary is the same thing.
public func run(
    arguments: [String], environment: [String: String], stdin: Int32 = 0, stdout: Int32 = 1, stderr: Int32 = 2
) -> Int32 {
    let diagnostics = Diagnostics(fd: stderr)
    let zone = SystemZone()
    let clock: any Clock
    if let fixed = environment["MINDBEAT_NOW"] {
        do {
            clock = FixedClock(try TimeInput.parseRFC3339(fixed))
        } catch {
            diagnostics.line("MINDBEAT_NOW \(Parser.shown(fixed)) \(error.problem)")
            return ExitStatus.usage.rawValue
        }
    } else {
        clock = SystemClock()
    }
    let context = Context(environment: environment, stdin: stdin, stdout: stdout, stderr: stderr, clock: clock, zone: zone)
    let now = clock.now()
    let status: ExitStatus
    do {
        let parser = Parser(table: Commands.table) { text throws(InvalidValue) in
            try TimeInput.parse(text, now: now, zone: zone)
        }
        let (request, db) = try parser.parse(arguments)
        context.databaseOverride = db
        switch request {
        case .version:
            context.out.line("mindbeat \(mindbeatVersion)")
        case .help(let words):
            try context.showHelp(words)
        case .run(let command, let parsed):
            guard let handler = command.run else { throw UsageError("'\(command.name)' needs a subcommand") }
            try handler(context, parsed)
        }
        status = .success
        if !context.out.flush() { throw OutputError(message: outputFailure(context)) }
        return status.rawValue
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

func outputFailure(_ context: Context) -> String? {
    guard let failure = context.out.failure else { return nil }
    // A reader that went away (`| head`) is not worth a message.
    if failure == EPIPE { return nil }
    return "cannot write output: \(String(cString: strerror(failure)))"
}
