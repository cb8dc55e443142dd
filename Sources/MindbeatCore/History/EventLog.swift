/// The writes that go into a session's log with their event, so that a
/// change and its event are one step of the service: the notices are
/// mindbeat's own (`EventSource.mindbeat`), whoever's command caused them.
extension StoreWriter {
    /// Appends an event of `session`.
    func log(_ kind: EventKind, _ detail: String? = nil, session: Int64, at now: Instant, by source: EventSource) throws {
        try appendEvent(NewEvent(sessionID: session, at: now, kind: kind, detail: detail, source: source))
    }

    /// Queues a notice about a session, and logs it.
    func queue(_ kind: NoticeKind, to recipientID: Int64, session: Int64, dueAt: Instant, at now: Instant) throws {
        try queueNotice(recipientID: recipientID, sessionID: session, kind: kind, dueAt: dueAt, at: now)
        try log(.noticeQueued, kind.rawValue, session: session, at: now, by: .mindbeat)
    }

    /// Queues a notice carrying a calendar invitation, and logs it.
    func queue(_ kind: NoticeKind, to recipientID: Int64, session: Int64, invitation: String, at now: Instant) throws {
        try queueInvitation(recipientID: recipientID, sessionID: session, kind: kind, invitation: invitation, at: now)
        try log(.noticeQueued, kind.rawValue, session: session, at: now, by: .mindbeat)
    }

    /// Withdraws a session's unsent notices of these kinds, logging each.
    func withdraw(_ kinds: [NoticeKind], session: Int64, at now: Instant) throws {
        for kind in try withdrawNotices(sessionID: session, kinds: kinds) {
            try log(.noticeWithdrawn, kind.rawValue, session: session, at: now, by: .mindbeat)
        }
    }
}
