import MindbeatCore

extension Commands {
    static let calendar = Command(
        ["calendar"], group: .sessions,
        summary: "print your sessions as an iCalendar file",
        discussion: """
            Prints an iCalendar (RFC 5545) file of your sessions, from \(Policy.calendarPastDays) \
            days ago on unless --from says otherwise: a coach's and a member's own, a line \
            manager's reports' (time, people and status only). Each session keeps one UID, so a \
            calendar that reads the file again moves and cancels events rather than adding new \
            ones. Subscribe a calendar app to a file kept fresh by cron.
            """,
        options: [
            .value(Key.from, "TIME", "sessions starting at or after this time (default: \(Policy.calendarPastDays) days ago)"),
            .value(Key.to, "TIME", "sessions starting before this time"),
        ],
        examples: [
            ("mindbeat calendar > ~/mindbeat.ics", "a file a calendar app can import or watch"),
            ("*/15 * * * * mindbeat calendar > ~/.cache/mindbeat.ics.new && mv ~/.cache/mindbeat.ics.new ~/calendar/mindbeat.ics",
             "a crontab line that keeps it fresh"),
        ],
        action: .signedIn { signedIn, arguments in
            let feed = try signedIn.mindbeat.calendar(signedIn.actor, from: arguments[.from], to: arguments[.to])
            feed.write { signedIn.out.write(bytes: $0) }
        }
    )
}
