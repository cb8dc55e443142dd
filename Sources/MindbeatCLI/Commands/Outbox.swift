import MindbeatCore

extension Commands {
    static let outbox = Command(
        ["outbox"], group: .mail,
        summary: "list the email notices and their status (admin)",
        discussion: """
            Lists every notice: shared-notes notices, due \(Policy.notesNoticeDelayMinutes) minutes after a session ends, and \
            reminders queued by mindbeat contact --via email; with their status (pending, sent \
            or failed), attempts and last error. A notice never holds note text.
            """,
        options: [CommonOptions.json],
        examples: [("mindbeat outbox --json", "every notice as JSON")],
        action: .signedIn { signedIn, arguments in
            let notices = try signedIn.mindbeat.outbox(signedIn.actor)
            let render = signedIn.render
            if arguments.has(.json) { return signedIn.context.print(.array(notices.map(render.json))) }
            guard !notices.isEmpty else { return signedIn.out.line("The outbox is empty.") }
            var rows = [["ID", "TO", "KIND", "SESSION", "DUE", "STATUS", "ATTEMPTS", "LAST ERROR"]]
            for notice in notices {
                rows.append([
                    String(notice.id), render.text(notice.recipient.email), notice.kind.rawValue,
                    notice.sessionID.map(String.init) ?? "—", render.zone.dateTime(notice.dueAt), notice.status.rawValue,
                    String(notice.attempts), render.text(notice.lastError ?? ""),
                ])
            }
            Render.table(rows).forEach(signedIn.out.line)
        }
    )
}
