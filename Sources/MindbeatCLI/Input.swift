import MindbeatCore

/// What the first stage of a `.prepared` command may read: standard input
/// and the terminal, and nothing of the database or the login.
struct Input {
    private let context: Context

    init(_ context: Context) { self.context = context }

    var stdinIsTerminal: Bool { context.stdinIsTerminal }

    /// Standard input as text, or nil when it holds more than `limit` bytes.
    func readStdin(limit: Int) throws -> String? { try context.readStdin(limit: limit) }

    /// A password, from standard input or the terminal (`Context.readPassword`).
    func readPassword(fromStdin: Bool, confirm: Bool, prompt: String = "Password: ", use: PasswordUse = .existing) throws -> String {
        try context.readPassword(fromStdin: fromStdin, confirm: confirm, prompt: prompt, use: use)
    }
}
