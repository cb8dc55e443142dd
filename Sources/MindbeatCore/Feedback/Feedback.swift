/// A party's feedback on a held session.
public struct Feedback: Equatable, Sendable {
    public let sessionID: Int64
    public let author: Person
    public let rating: Int64
    public let comment: String?
    public let createdAt: Instant
}

/// The rules for leaving feedback.
public enum FeedbackRules {
    /// A party may leave feedback once, on a held session.
    public static func leave(_ session: Session, alreadyGiven: Bool) -> Decision {
        var reasons: [Unmet] = []
        if session.status != .held { reasons.append(.notHeld(session.status)) }
        if alreadyGiven { reasons.append(.feedbackGiven) }
        return Decision(reasons)
    }
}

/// A feedback comment as stored; only this type reaches the service.
public struct FeedbackComment: Equatable, Sendable {
    public let text: String

    /// Trimmed; control characters other than line breaks and tabs refused;
    /// at most the limit.
    public init(_ raw: String) throws(InvalidValue) {
        for scalar in raw.unicodeScalars where Values.isControl(scalar) && scalar != "\n" && scalar != "\t" {
            throw InvalidValue("must not contain control characters")
        }
        let trimmed = Values.trimWhitespace(raw)
        guard !trimmed.isEmpty else { throw InvalidValue("is empty") }
        guard trimmed.utf8.count <= Policy.commentLimitBytes else {
            throw InvalidValue("is longer than \(Policy.commentLimitBytes) bytes")
        }
        text = trimmed
    }
}
