extension Mindbeat {
    /// Leaves feedback on a held session: a party, once.
    public func leaveFeedback(_ actor: Actor, id: Int64, rating: Int64, comment: FeedbackComment?) throws -> Feedback {
        try write(actor) { tx, me in
            let (session, _) = try party(in: id, for: me, doing: .leaveFeedback, tx)
            let given = try !tx.feedback(sessionID: id, authorID: me.id).isEmpty
            let decision = FeedbackRules.leave(session, alreadyGiven: given)
            guard decision.isAllowed else { throw MindbeatError.refused(Refusal(.leaveFeedback(session: id), decision)) }
            let now = self.now
            try tx.insertFeedback(sessionID: id, authorID: me.id, rating: rating, comment: comment?.text, at: now)
            try tx.log(.feedback, session: id, at: now, by: EventSource(actor))
            guard let feedback = try tx.feedback(sessionID: id, authorID: me.id).first else {
                throw MindbeatError.internal("feedback on \(id) vanished")
            }
            return feedback
        }
    }

    /// The held sessions awaiting the caller's feedback, newest first.
    public func sessionsAwaitingFeedback(_ actor: Actor) throws -> [SessionView] {
        try read(actor) { tx, me in
            try tx.sessionsAwaitingFeedback(from: me.id).compactMap { session in
                session.party(of: me.id).map { SessionView(session: session, access: .party($0)) }
            }
        }
    }

    /// The feedback on a session the caller may read: their own as a party;
    /// everyone's with the admin right. A line manager never reads feedback,
    /// admin right or not: the line-manager rule wins.
    public func feedback(_ actor: Actor, id: Int64) throws -> [Feedback] {
        try read(actor) { tx, me in
            if me.isAdmin {
                guard let session = try tx.session(id: id) else { throw MindbeatError.notFound(.session(id)) }
                if session.isManagedBy(me.id) { throw MindbeatError.forbidden(.lineManager(.readFeedback)) }
                return try tx.feedback(sessionID: id, authorID: nil)
            }
            _ = try party(in: id, for: me, doing: .readFeedback, tx)
            return try tx.feedback(sessionID: id, authorID: me.id)
        }
    }
}
