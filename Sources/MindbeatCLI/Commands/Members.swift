import MindbeatCore

extension Commands {
    static let members = Command(
        ["members"], group: .accounts,
        summary: "My Members: your members, or a manager's reports",
        discussion: """
            A coach's members, or a line manager's reports, each with their next session and \
            how many sessions were held and missed. A coach also sees each member's bank of \
            sessions (what is left to book, when an admin set one with users bank), their \
            cancellations and reschedules in this engagement, and whether they are flagged (a \
            third change). A line manager sees attendance only.
            """,
        options: [CommonOptions.json],
        examples: [("mindbeat members", "who you coach and when you see them next")],
        action: .signedIn { signedIn, arguments in
            let summaries = try signedIn.mindbeat.members(signedIn.actor)
            let render = signedIn.render
            if arguments.has(.json) { return signedIn.context.print(.array(summaries.map(render.json))) }
            guard !summaries.isEmpty else { return signedIn.out.line("No members.") }
            let withBank = summaries.contains { $0.engagement != nil }
            var rows = [["MEMBER", "EMAIL", "NEXT SESSION", "HELD", "MISSED"] + (withBank ? ["BANK", "CHANGES"] : [])]
            for summary in summaries {
                let next = summary.nextSession.map { "\($0.session.id) · " + render.zone.dateTime($0.session.startsAt) } ?? "—"
                var row = [render.text(summary.account.name), render.text(summary.account.email), next,
                           "\(summary.held)", "\(summary.missed)"]
                if let engagement = summary.engagement {
                    let bank = engagement.sessions.map { "\(engagement.remaining ?? 0) of \($0) left" } ?? "unlimited"
                    row += [bank, "\(engagement.changes)" + (engagement.isFlagged ? " " + render.paint("flagged", "33") : "")]
                } else if withBank {
                    row += ["", ""]
                }
                rows.append(row)
            }
            Render.table(rows).forEach(signedIn.out.line)
        }
    )
}
