import MindbeatCore

/// Some notices could not be delivered (exit 75).
struct DeliveryFailures: Error {
    let count: Int
}

/// Hands messages to the mail command: `MINDBEAT_SENDMAIL`, split on spaces and
/// run without a shell, with the message on its standard input. Addresses
/// never reach its command line (`-t` reads them from the headers).
struct SendmailTransport: MailTransport {
    static let defaultCommand = "/usr/sbin/sendmail -t -i"
    /// How long the mail command may take before it is killed.
    static let timeoutSeconds = 60

    let command: [String]

    init(environment: [String: String]) {
        let configured = environment["MINDBEAT_SENDMAIL"].flatMap { Values.trimWhitespace($0).isEmpty ? nil : $0 }
        command = (configured ?? SendmailTransport.defaultCommand).split(separator: " ").map(String.init)
    }

    func deliver(_ message: [UInt8]) -> DeliveryResult {
        let child = ChildProcess(arguments: command, input: message, timeout: SendmailTransport.timeoutSeconds, ownProcessGroup: true)
        do {
            let result = try child.run()
            if result.ending.succeeded { return .delivered }
            let said = Commands.printable(String(decoding: result.errorOutput.prefix(300), as: UTF8.self))
                .split(separator: "\n").first.map { ": " + $0 } ?? ""
            return .failed("\(command[0]) \(result.ending.description)\(said)")
        } catch let failure as ChildProcess.SpawnFailure {
            return .failed(failure.message)
        } catch {
            return .failed("\(error)")
        }
    }
}

extension Commands {
    static let outbox = Command(
        ["outbox"], group: .mail,
        summary: "list the email notices and their status (admin)",
        discussion: """
            Lists every notice: shared-notes notices, due 15 minutes after a session ends, and \
            reminders queued by mindbeat contact --via email; with their status (pending, sent \
            or failed), attempts and last error. A notice never holds note text.
            """,
        options: [CommonOptions.json],
        examples: [("mindbeat outbox --json", "every notice as JSON")]
    ) { context, arguments in
        let (mindbeat, token) = try context.signedIn()
        let notices = try mindbeat.outbox(token: token)
        let render = context.render
        if arguments.flag("json") { return context.print(.array(notices.map(render.json))) }
        guard !notices.isEmpty else { return context.out.line("The outbox is empty.") }
        var rows = [["ID", "TO", "KIND", "SESSION", "DUE", "STATUS", "ATTEMPTS", "LAST ERROR"]]
        for notice in notices {
            rows.append([
                String(notice.id), notice.recipient.email, notice.kind.rawValue, notice.sessionID.map(String.init) ?? "—",
                context.zone.dateTime(notice.dueAt), notice.status.rawValue, String(notice.attempts), notice.lastError ?? "",
            ])
        }
        Render.table(rows).forEach(context.out.line)
    }

    static let outboxSend = Command(
        ["outbox", "send"], group: .mail,
        summary: "deliver the due notices through sendmail",
        discussion: """
            Delivers every due notice through MINDBEAT_SENDMAIL (default /usr/sbin/sendmail -t \
            -i, split on spaces, run without a shell), one RFC 5322 message on its standard \
            input each. Exit 0 from the command marks a notice sent; anything else, or no exit \
            within 60 seconds (the command is then killed), marks it failed, and every later \
            run tries it again. Concurrent runs never deliver a notice twice; a run that dies \
            leaves its notices to a later run after 10 minutes. Prints "N sent, M failed" and \
            exits 75 when any failed. Needs no login: run it from cron.
            """,
        examples: [
            ("mindbeat outbox send", "deliver what is due"),
            ("MINDBEAT_SENDMAIL='msmtp -t' mindbeat outbox send", "through msmtp"),
        ],
        needsLogin: false
    ) { context, _ in
        let from = context.environment["MINDBEAT_MAIL_FROM"].flatMap { $0.isEmpty ? nil : $0 } ?? "mindbeat@localhost"
        do {
            _ = try Values.email(from)
        } catch let error as InvalidValue {
            throw MindbeatError.invalidValue(option: "MINDBEAT_MAIL_FROM", problem: error.problem)
        }
        let mindbeat = try context.openMindbeat()
        let report = try mindbeat.sendDueNotices(from: from, transport: SendmailTransport(environment: context.environment))
        context.out.line("\(report.sent) sent, \(report.failed) failed")
        if report.failed > 0 { throw DeliveryFailures(count: report.failed) }
    }
}
