/// One attempt by a coach to reach a member who has not joined.
public struct ContactAttempt: Equatable, Sendable {
    public let at: Instant
    public let via: ContactMethod
    /// Seen by the coach only.
    public let note: String?
}

