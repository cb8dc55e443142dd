#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

/// Some notices could not be delivered (exit 75).
struct DeliveryFailures: Error {
    let count: Int
}

extension Commands {
    static let outboxSend = Command(
        ["outbox", "send"], group: .mail,
        summary: "deliver the due notices through sendmail",
        discussion: """
            Delivers every due notice through MINDBEAT_SENDMAIL (default \(SendmailTransport.defaultCommand), \
            split on spaces, run without a shell), one RFC 5322 message on its standard \
            input each. Exit 0 from the command marks a notice sent; anything else, or no exit \
            within \(Policy.mailTimeoutSeconds) seconds (the command is then killed), marks it failed, and every later \
            run tries it again. Concurrent runs never deliver a notice twice; a run that dies \
            leaves its notices to a later run after \(Policy.claimLeaseMinutes) minutes. Prints "N sent, M failed" and \
            exits 75 when any failed. Needs no login: run it from cron, as the Unix user that owns \
            the database file (or root); anyone else is refused (77), since the mail command is \
            whatever the user running it has in MINDBEAT_SENDMAIL. The mail command gets \
            mindbeat's environment without its MINDBEAT_* variables.
            """,
        examples: [
            ("mindbeat outbox send", "deliver what is due"),
            ("MINDBEAT_SENDMAIL='msmtp -t' mindbeat outbox send", "through msmtp"),
        ],
        action: .open { context, _ in
            let from = context.environment["MINDBEAT_MAIL_FROM"].flatMap { $0.isEmpty ? nil : $0 } ?? "mindbeat@localhost"
            do throws(InvalidValue) {
                _ = try Values.email(from)
            } catch {
                throw error.usage("MINDBEAT_MAIL_FROM")
            }
            // The clock runs: each delivery is stamped when it happens. Only
            // the owner of the database file, or root, delivers: the mail
            // command comes from the environment of whoever runs this.
            let store = context.opened(try Stores.open(try context.databaseLocation(), operatorUID: geteuid()))
            let mindbeat = Mindbeat(store: store, clock: context.runningClock, zone: context.zone, eventDescription: Phrases.eventDescription)
            let transport = SendmailTransport(environment: context.environment, from: from, zone: context.zone)
            let report = try mindbeat.sendDueNotices(through: transport)
            context.out.line("\(report.sent) sent, \(report.failed) failed")
            if report.failed > 0 { throw DeliveryFailures(count: report.failed) }
        }
    )
}
