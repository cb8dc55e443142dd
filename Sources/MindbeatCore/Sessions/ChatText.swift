/// A chat message (or a contact note, which may be posted into the chat), as
/// checked: only this type reaches the service, so text is validated once,
/// here, before the database is opened.
public struct ChatText: Equatable, Sendable {
    public let text: String

    /// From standard input, one trailing newline is dropped; empty after
    /// trimming whitespace, or over the limit: invalid.
    public init(_ raw: String, fromStdin: Bool = false) throws(InvalidValue) {
        var message = raw
        if fromStdin { message = dropOneTrailingNewline(message) }
        guard !Values.trimWhitespace(message).isEmpty else { throw InvalidValue("is empty") }
        guard message.utf8.count <= Policy.chatLimitBytes else {
            throw InvalidValue("is longer than \(Policy.chatLimitBytes) bytes")
        }
        text = message
    }
}

/// `text` without one trailing line ending (`\n` or `\r\n`), as a file or a
/// pipe ends it.
func dropOneTrailingNewline(_ text: String) -> String {
    var text = text
    if text.hasSuffix("\r\n") || text.hasSuffix("\n") { text.removeLast() }
    return text
}
