extension Mindbeat {
    /// Leaves feedback on a held session: a party, once.
    public func leaveFeedback(token: String?, id: Int64, rating: Int64, comment: String?) throws -> Feedback {
        try write(token) { actor in
            let (session, _) = try party(in: id, for: actor, doing: "leave feedback")
            let given = try !store.feedback(sessionID: id, authorID: actor.id).isEmpty
            let decision = FeedbackRules.leave(session, alreadyGiven: given)
            guard decision.isAllowed else {
                throw MindbeatError.refused(Refusal(action: "leave feedback on session \(id)", decision: decision))
            }
            try store.insertFeedback(sessionID: id, authorID: actor.id, rating: rating, comment: comment, at: now)
            guard let feedback = try store.feedback(sessionID: id, authorID: actor.id).first else {
                throw MindbeatError.internal("feedback on \(id) vanished")
            }
            return feedback
        }
    }

    /// The held sessions awaiting the caller's feedback, newest first.
    public func sessionsAwaitingFeedback(token: String?) throws -> [SessionView] {
        try read(token) { actor in
            try store.sessionsAwaitingFeedback(from: actor.id).compactMap { session in
                session.party(of: actor.id).map { SessionView(session: session, access: .party($0)) }
            }
        }
    }

    /// The feedback on a session the caller may read: their own as a party;
    /// everyone's with the admin right. A line manager never reads feedback.
    public func feedback(token: String?, id: Int64) throws -> [Feedback] {
        try read(token) { actor in
            let session = try store.session(id: id)
            if actor.isAdmin {
                guard session != nil else { throw MindbeatError.notFound("no session \(id)") }
                return try store.feedback(sessionID: id)
            }
            _ = try party(in: id, for: actor, doing: "read feedback")
            return try store.feedback(sessionID: id, authorID: actor.id)
        }
    }

    // MARK: The outbox

    /// How long a claim on a notice holds before another run may take it over.
    public static let claimLeaseSeconds: Int64 = 600

    /// Every notice, for admins.
    public func outbox(token: String?) throws -> [Notice] {
        try read(token) { actor in
            guard actor.isAdmin else { throw MindbeatError.forbidden("the outbox needs the admin right") }
            return try store.notices()
        }
    }

    /// Delivers every due notice: claims them in one write transaction, hands
    /// each message to `transport` with no transaction open, and records each
    /// result in a transaction of its own. Needs no login (it runs from cron).
    public func sendDueNotices(from address: String, transport: any MailTransport) throws -> DeliveryReport {
        let claim = Secrets.hex(try Secrets.randomBytes(16))
        let claimedAt = now
        let staleBefore = Instant(secondsSinceEpoch: claimedAt.secondsSinceEpoch - Mindbeat.claimLeaseSeconds)
        let claimed: [(Notice, Session?)] = try guarded {
            try store.database.write { _ in
                try store.claimDueNotices(now: claimedAt, staleBefore: staleBefore, claim: claim).map { notice in
                    (notice, try notice.sessionID.flatMap { try store.session(id: $0) })
                }
            }
        }
        let domain = address.split(separator: "@").last.map(String.init) ?? "localhost"
        var report = DeliveryReport()
        for (notice, session) in claimed {
            let messageID = "notice-\(notice.id).\(notice.attempts + 1).\(store.installID.prefix(16))@\(domain)"
            let message = NoticeMessage.compose(notice, session: session, from: address, date: now, messageID: messageID, zone: zone)
            let result = transport.deliver(Array(message.utf8))
            var error: String?
            if case .failed(let why) = result { error = why }
            try guarded {
                try store.database.write { _ in
                    try store.recordDelivery(noticeID: notice.id, claim: claim, error: error, at: now)
                }
            }
            if error == nil { report.sent += 1 } else { report.failed += 1 }
        }
        return report
    }
}
