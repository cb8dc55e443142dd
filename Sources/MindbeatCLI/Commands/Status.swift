import MindbeatCore

extension Commands {
    static let status = Command(
        ["status"], group: .sessions,
        summary: "where a session stands and what the protocol allows next",
        discussion: """
            Shows the session, its counter and each next step with whether the protocol allows \
            it now, and if not, why and from when. Without ID: your session in progress, else \
            your next one. With --json, each refusal reason carries a stable id (listed in \
            mindbeat(1)) as well as its message.
            """,
        positionals: [Positional(Key.id, optional: true, "the session (default: in progress, else next)")],
        options: [CommonOptions.json],
        examples: [
            ("mindbeat status", "your current session"),
            ("mindbeat status 12 --json | jq '.next[] | select(.action == \"end_missed\")'", "when missed becomes allowed"),
        ],
        action: .signedIn { signedIn, arguments in
            let report = try signedIn.mindbeat.status(signedIn.actor, id: arguments[.id])
            let render = signedIn.render
            guard let report else {
                if arguments.has(.json) { return signedIn.context.print(.null) }
                return signedIn.out.line("No session in progress or coming up.")
            }
            if arguments.has(.json) { return signedIn.context.print(render.json(report)) }
            let session = report.view.session
            signedIn.out.line("Session \(session.id) · \(render.span(session)) · \(render.text(session.coach.name)) with \(render.text(session.member.name)) · \(session.channel.rawValue)")
            signedIn.out.line(render.standing(report))
            guard !report.next.isEmpty else { return }
            var rows: [[String]] = []
            for step in report.next {
                let decision = step.decision
                let answer: String
                if decision.isAllowed {
                    answer = render.paint("allowed", "32")
                } else {
                    let reasons = decision.reasons.map { render.reason($0) }.joined(separator: "; ")
                    if let from = decision.allowedFrom {
                        answer = "from \(render.zone.shortTime(max(from, report.at), now: report.at)): " + reasons
                    } else {
                        answer = "no: " + reasons
                    }
                }
                rows.append(["  " + Commands.label(step.action), answer])
            }
            signedIn.out.line("Next:")
            Render.table(rows).forEach(signedIn.out.line)
        }
    )

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
