import MindbeatCore

extension Commands {
    static let status = Command(
        ["status"], group: .sessions,
        summary: "where a session stands and what the protocol allows next",
        discussion: """
            Shows the session, its counter and each next step with whether the protocol allows \
            it now, and if not, why and from when. Without ID: your session in progress, else \
            your next one. With --json, each refusal reason carries a stable id (listed in \
            mindbeat(1)) as well as its message. With --watch, keeps watching the session until \
            it ends (exit 0) or Ctrl-C (130): on a terminal it redraws every second — the counter \
            ticking, the times until each step is allowed counting down, the other party's join \
            highlighted — and rings the bell once when the other party joins and once each when \
            end --held and end --missed become allowed; elsewhere (a pipe, a log, over SSH) it prints one line per \
            change: a join, a contact, a switch, a move, a step becoming allowed, the end. With \
            --watch --json, one status object per line (JSON Lines), at the start and at each change.
            """,
        positionals: [Positional(Key.id, optional: true, "the session (default: in progress, else next)")],
        options: [
            CommonOptions.json,
            .flag(.watch, "keep watching: redraw every second on a terminal, else a line per change, until the session ends"),
        ],
        examples: [
            ("mindbeat status", "your current session"),
            ("mindbeat status 12 --json | jq '.next[] | select(.action == \"end_missed\")'", "when missed becomes allowed"),
            ("mindbeat status 12 --watch", "the counter ticking until the session ends"),
        ],
        action: .signedIn { signedIn, arguments in
            if arguments.has(.watch) {
                return try watchStatus(signedIn, id: arguments[.id], json: arguments.has(.json))
            }
            let report = try signedIn.mindbeat.status(signedIn.actor, id: arguments[.id])
            let render = signedIn.render
            guard let report else {
                if arguments.has(.json) { return signedIn.context.print(.null) }
                return signedIn.out.line("No session in progress or coming up.")
            }
            if arguments.has(.json) { return signedIn.context.print(render.json(report)) }
            statusLines(report, render: render).forEach(signedIn.out.line)
        }
    )

    /// What `status` prints for a report.
    static func statusLines(_ report: StatusReport, render: Render, countdown: Bool = false) -> [String] {
        let session = report.view.session
        var lines = [
            "Session \(session.id) · \(render.span(session)) · \(render.text(session.coach.name)) with \(render.text(session.member.name)) · \(session.channel.rawValue)",
            render.standing(report),
        ]
        guard !report.next.isEmpty else { return lines }
        var rows: [[String]] = []
        for step in report.next {
            let decision = step.decision
            let answer: String
            if decision.isAllowed {
                answer = render.paint("allowed", "32")
            } else {
                let reasons = decision.reasons.map { render.reason($0) }.joined(separator: "; ")
                if let from = decision.allowedFrom {
                    let at = render.zone.shortTime(max(from, report.at), now: report.at)
                    answer = countdown
                        ? "in \(Render.countdown(from.seconds(since: report.at))) (from \(at)): " + reasons
                        : "from \(at): " + reasons
                } else {
                    answer = "no: " + reasons
                }
            }
            rows.append(["  " + Commands.label(step.action), answer])
        }
        lines.append("Next:")
        lines += Render.table(rows)
        return lines
    }

    /// A protocol step as the commands spell it.
    static func label(_ action: ProtocolAction) -> String {
        switch action {
        case .attend: return "attend"
        case .chat: return "chat"
        case .contact: return "contact"
        case .switchChannel: return "switch"
        case .endHeld: return "end --held"
        case .endMissed: return "end --missed"
        }
    }
}
