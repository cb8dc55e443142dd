import MindbeatCore

extension Commands {
    static let wait = Command(
        ["wait"], group: .sessions,
        summary: "block until something happens in a session, for scripts",
        discussion: """
            Waits until CONDITION holds for a session you are a party to and exits 0 — at once \
            if it already does. coach-joined and member-joined: that party has attended. started: \
            the scheduled start has come. held-allowed and missed-allowed: end --held or end --missed \
            would be allowed now. ended: the session was ended, held or missed. Exits 1 as soon as \
            the condition can never hold (the session ended or was cancelled without it, or the \
            member joined for missed-allowed), and 75 when the --timeout passes first; the \
            timeout counts real time, whatever MINDBEAT_NOW says. Waiting costs no CPU to speak \
            of: mindbeat sleeps until the database changes or a time that matters comes. \
            Prints nothing when the condition holds. In a script: mindbeat attend 3 && mindbeat \
            wait 3 --for member-joined --timeout 15m || mindbeat contact 3 --via email.
            """,
        positionals: [Positional(Key.id, "the session")],
        options: [
            .needed(.waitFor, "CONDITION", "what to wait for: " + WaitCondition.words.joined(separator: ", ")),
            .value(.timeout, "DURATION", "give up after this much real time, such as 90s, 15m, 2h or 1h30m (exit 75)"),
        ],
        examples: [
            ("mindbeat wait 3 --for member-joined --timeout 15m", "give the member a quarter of an hour (exit 75 if they do not come)"),
            ("mindbeat wait 3 --for missed-allowed", "block until end --missed is allowed"),
        ],
        action: .signedIn { signedIn, arguments in
            let id = try arguments.required(.id)
            let condition = try arguments.required(Key.waitFor)
            let deadline = arguments[.timeout].map { monotonicSeconds() + Double($0) }
            let live = try LiveSession(signedIn)
            while true {
                switch try live.mindbeat.wait(signedIn.actor, id: id, for: condition) {
                case .holds:
                    return
                case .never(let status):
                    throw CommandFailure.refused(Phrases.waitInVain(condition, session: id, status: status))
                case .pending(let recheckAt):
                    // An hour at a time without a timeout: the sleep is woken
                    // by any change, so its length costs nothing.
                    let left = deadline.map { $0 - monotonicSeconds() } ?? 3600
                    guard left > 0 else {
                        throw CommandFailure.unavailable(Phrases.waitTimedOut(condition, session: id, after: arguments[.timeout] ?? 0))
                    }
                    try live.sleep(seconds: left, orUntil: recheckAt)
                }
            }
        }
    )
}
