import MindbeatCore

extension Commands {
    static let usersBank = Command(
        ["users", "bank"], group: .accounts,
        summary: "start a member's engagement with a bank of sessions (admin)",
        discussion: """
            Starts a new engagement for a member with a bank of N sessions \
            (\(Policy.bankSizes.lowerBound) to \(Policy.bankSizes.upperBound)). Held and missed \
            sessions use it, and so does each cancellation or reschedule the member makes less \
            than \(Policy.noticeHours) hours before the start; once what was used plus what is \
            booked reaches N, no more sessions can be scheduled. A member never given a bank has \
            an unlimited one. A new engagement also starts the count of the member's changes \
            again (their \(NoticeMessage.ordinal(Policy.flaggedChange)) flags them).
            """,
        positionals: [Positional(Key.emailArgument, "the member's email address")],
        options: [.needed(Key.bankSessions, "N", "the sessions in the bank")],
        examples: [("mindbeat users bank bo@example.com --sessions 12", "Bo's engagement: twelve sessions")],
        action: .signedIn { signedIn, arguments in
            let outcome = try signedIn.mindbeat.setBank(
                signedIn.actor, memberEmail: try arguments.required(.emailArgument), sessions: try arguments.required(.bankSessions))
            let engagement = outcome.engagement
            signedIn.out.line("""
                New engagement for \(signedIn.render.text(outcome.member.label)): \(engagement.sessions ?? 0) sessions in the bank, \
                \(engagement.scheduled) booked, \(engagement.remaining ?? 0) left to book.
                """)
        }
    )
}
