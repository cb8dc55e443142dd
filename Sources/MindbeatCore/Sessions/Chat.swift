/// One message of a session's chat.
public struct ChatMessage: Equatable, Sendable {
    public let at: Instant
    public let authorEmail: String
    public let authorName: String
    public let text: String
}

/// One attempt by a coach to reach a member who has not joined.
public struct ContactAttempt: Equatable, Sendable {
    public let at: Instant
    public let via: ContactMethod
    /// Seen by the coach only.
    public let note: String?
}

