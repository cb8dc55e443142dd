import MindbeatCore

extension Commands {
    static let sessionsCancel = Command(
        ["sessions", "cancel"], group: .sessions,
        summary: "cancel a session nobody has joined",
        discussion: """
            Cancels a scheduled session. At least \(Policy.noticeHours) hours before its start it \
            becomes cancelled; later, late_cancelled, and when the member cancels late it uses one \
            session of their bank. A coach (or an admin) cancels only with a --reason, which the \
            member sees and a line manager never does. The other party is sent a cancellation \
            that removes the session from their calendar. A member's third cancellation or \
            reschedule in an engagement flags them to their coach.
            """,
        positionals: [Positional(Key.id, "the session")],
        options: [.value(Key.reason, "TEXT", "why (required of a coach or admin; the member sees it)")],
        examples: [
            ("mindbeat sessions cancel 12", "a member cancels their session"),
            ("mindbeat sessions cancel 12 --reason 'I am ill, sorry'", "a coach cancels, saying why"),
        ],
        action: .prepared { _, arguments in
            var reason: ChatText?
            if let text = arguments[.reason] {
                do throws(InvalidValue) {
                    reason = try ChatText(text)
                } catch {
                    throw error.usage("--reason")
                }
            }
            return { signedIn in
                let outcome = try signedIn.mindbeat.cancel(signedIn.actor, id: try arguments.required(.id), reason: reason)
                signedIn.out.line(Phrases.changed(outcome, render: signedIn.render))
            }
        }
    )

    static let sessionsReschedule = Command(
        ["sessions", "reschedule"], group: .sessions,
        summary: "move a session nobody has joined",
        discussion: """
            Moves a scheduled session to a new start (and, with --duration, a new length), under \
            the checks of sessions add: not in the past, no overlap (the session itself \
            excepted). It keeps its id; the other party's calendar moves it. When the member \
            moves it less than \(Policy.noticeHours) hours before the start it had, it uses one \
            session of their bank; a reschedule is not refused for the bank.
            """,
        positionals: [Positional(Key.id, "the session")],
        options: [
            .needed(Key.at, "TIME", "the new start: 2026-12-02 10:00 (local), an RFC 3339 time, +1d …"),
            .value(Key.duration, "MINUTES", "the new length in minutes, 1 to \(Policy.longestDurationMinutes) (default: as it was)"),
        ],
        examples: [("mindbeat sessions reschedule 12 --at '2026-12-03 10:00'", "move session 12 to Thursday at 10:00")],
        action: .signedIn { signedIn, arguments in
            let outcome = try signedIn.mindbeat.reschedule(
                signedIn.actor, id: try arguments.required(.id), to: try arguments.required(.at),
                durationMinutes: arguments[.duration])
            signedIn.out.line(Phrases.changed(outcome, render: signedIn.render))
        }
    )
}
