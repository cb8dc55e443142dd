/// The outbox: notices queued with the events that cause them, and their
/// delivery by `outbox send`.
extension Mindbeat {
    /// When a session ends: each party with shared notes from the other party
    /// on it gets one notice, due some minutes after the end. Runs in the
    /// end's transaction.
    func queueNoticesOnEnd(_ session: Session, _ tx: any StoreWriter, now: Instant) throws {
        guard let ended = session.endedAt else { return }
        let due = ended.plus(minutes: Policy.notesNoticeDelayMinutes)
        for (recipient, author) in [(session.coach, session.member), (session.member, session.coach)] {
            if try tx.hasSharedNotes(sessionID: session.id, authorID: author.id) {
                try tx.queue(.sharedNotes, to: recipient.id, session: session.id, dueAt: due, at: now)
            }
        }
    }

    /// A shared note written after the end: covered by the recipient's notice if
    /// one still waits, else a new one due at the later of the usual time and
    /// now. Runs in the note's transaction.
    func queueSharedNotesNotice(session: Session, author: Account, _ tx: any StoreWriter, now: Instant) throws {
        guard let ended = session.endedAt, let side = session.party(of: author.id) else { return }
        let recipient = side == .coach ? session.member : session.coach
        guard try !tx.hasUnsentNotice(recipientID: recipient.id, sessionID: session.id, kind: .sharedNotes) else { return }
        let due = max(ended.plus(minutes: Policy.notesNoticeDelayMinutes), now)
        try tx.queue(.sharedNotes, to: recipient.id, session: session.id, dueAt: due, at: now)
    }

    /// How long a claim on a notice holds before another run may take it over.
    public static let claimLeaseSeconds: Int64 = Policy.claimLeaseMinutes * 60

    /// Every notice, for admins.
    public func outbox(_ actor: Actor) throws -> [Notice] {
        try read(actor) { tx, me in
            guard me.isAdmin else { throw MindbeatError.forbidden(.needsAdmin(.readOutbox)) }
            return try tx.notices(hidingReportsOf: me.id)
        }
    }

    /// Delivers every due notice: claims them in one write transaction, hands
    /// each to `delivery` with no transaction open, and records each result
    /// in a transaction of its own. Needs no login (it runs from cron). The
    /// clock runs: each step is stamped when it happens.
    public func sendDueNotices(through delivery: any NoticeDelivery) throws -> DeliveryReport {
        let claim = Secrets.hex(try Secrets.randomBytes(16))
        let claimedAt = now
        let staleBefore = Instant(secondsSinceEpoch: claimedAt.secondsSinceEpoch - Mindbeat.claimLeaseSeconds)
        let claimed: [(Notice, Session?, Takeover?)] = try store.write { tx in
            // A reminder that a session is coming, not sent before it began
            // (cron stopped, a failed delivery retried), no longer makes sense.
            for session in try tx.withdrawUpcoming(startedBy: claimedAt) {
                try tx.log(.noticeWithdrawn, NoticeKind.upcoming.rawValue, session: session, at: claimedAt, by: .mindbeat)
            }
            return try tx.claimDueNotices(now: claimedAt, staleBefore: staleBefore, claim: claim).map { notice in
                (notice, try notice.sessionID.flatMap { try tx.session(id: $0) },
                 try notice.takeoverID.flatMap { try tx.takeover(id: $0) })
            }
        }
        var report = DeliveryReport()
        for (notice, session, takeover) in claimed {
            let outgoing = OutgoingNotice(notice: notice, session: session, takeover: takeover, attempt: notice.attempts + 1,
                                          installID: store.installID, date: now)
            var error: String?
            if case .failed(let why) = delivery.deliver(outgoing) { error = why }
            try store.write { tx in
                let at = now
                if try tx.recordDelivery(noticeID: notice.id, claim: claim, error: error, at: at), let session = notice.sessionID {
                    try tx.log(error == nil ? .noticeSent : .noticeFailed, notice.kind.rawValue, session: session, at: at,
                               by: .mindbeat)
                }
            }
            if error == nil { report.sent += 1 } else { report.failed += 1 }
        }
        return report
    }
}
