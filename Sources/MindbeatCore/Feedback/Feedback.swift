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
    /// The longest comment, in bytes of UTF-8.
    public static let commentLimit = 4096

    /// A party may leave feedback once, on a held session.
    public static func leave(_ session: Session, alreadyGiven: Bool) -> Decision {
        var reasons: [Unmet] = []
        if session.status != .held { reasons.append(.notHeld(session.status)) }
        if alreadyGiven { reasons.append(.feedbackGiven) }
        return Decision(reasons)
    }

    /// A comment as stored: trimmed; control characters other than line breaks
    /// and tabs refused; at most 4 KiB.
    public static func comment(_ text: String) throws(InvalidValue) -> String {
        for scalar in text.unicodeScalars where Values.isControl(scalar) && scalar != "\n" && scalar != "\t" {
            throw InvalidValue("must not contain control characters")
        }
        let trimmed = Values.trimWhitespace(text)
        guard !trimmed.isEmpty else { throw InvalidValue("is empty") }
        guard trimmed.utf8.count <= commentLimit else { throw InvalidValue("is longer than \(commentLimit) bytes") }
        return trimmed
    }
}
