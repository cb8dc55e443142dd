/// One message of a session's chat.
public struct ChatMessage: Equatable, Sendable {
    public let at: Instant
    public let authorEmail: String
    public let authorName: String
    public let text: String
}
