/// One message of a session's chat.
public struct ChatMessage: Equatable, Sendable {
    public let at: Instant
    public let authorEmail: String
    public let authorName: String
    public let text: String
    /// Its place in the conversation: later messages have larger ids. Not
    /// shown; `chat --follow` reads on from the last one it printed.
    public let id: Int64
}
