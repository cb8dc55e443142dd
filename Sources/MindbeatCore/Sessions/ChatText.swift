/// The rule for what goes into a session's chat (messages, and contact notes,
/// which may be posted there).
public enum ChatText {
    /// The most a message may hold, in bytes of UTF-8.
    public static let limit = 4096

    /// A message as sent: from standard input, one trailing newline dropped;
    /// empty after trimming whitespace, or over 4096 bytes: invalid.
    public static func message(_ text: String, fromStdin: Bool = false) throws(InvalidValue) -> String {
        var message = text
        if fromStdin {
            if message.hasSuffix("\r\n") { message.removeLast() } else if message.hasSuffix("\n") { message.removeLast() }
        }
        guard !Values.trimWhitespace(message).isEmpty else { throw InvalidValue("is empty") }
        guard message.utf8.count <= limit else { throw InvalidValue("is longer than \(limit) bytes") }
        return message
    }
}
