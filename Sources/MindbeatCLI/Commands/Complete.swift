import MindbeatCore

extension Commands {
    /// What the completion scripts ask for while completing: the words typed
    /// after `mindbeat` (the last one being completed) in, a directive and one
    /// candidate a line out (`Completer`). It never fails and never writes to
    /// stderr: whatever goes wrong is no candidates. It signs in by itself,
    /// only when ids or emails are wanted, and treats a missing login as none.
    static let complete = Command(
        ["__complete"], group: .shell,
        summary: "candidates for the word being completed, for the completion scripts",
        positionals: [Positional(Key.completionWords, optional: true, variadic: true, "the words after mindbeat; the last is completed")],
        hidden: true,
        action: .open { context, arguments in
            let words = arguments[.completionWords] ?? []
            let completer = Completer(table: table)
            // With a remote, ids and emails come from the server: only when
            // they are wanted is the whole line sent there.
            let typed = TypedLine(reading: words.dropLast()[...], commands: completer.visible)
            let remote = context.remoteKey == nil
                ? typed.remote ?? context.environment["MINDBEAT_REMOTE"].flatMap { $0.isEmpty ? nil : $0 } : nil
            if let remote, let destination = try? RemoteDestination.parse(remote, from: "--remote") {
                let probe = IdsOrEmailsWanted()
                let reply = completer.complete(words) { _ in probe }
                if !probe.asked { return reply.lines.forEach(context.out.line) }
                guard context.out.flush() else { return }
                RemoteClient.complete(words, on: destination, context: context)
                return
            }
            let reply = completer.complete(words) { database in
                LiveCompletionSource(context: context, database: database)
            }
            for line in reply.lines { context.out.line(line) }
        }
    )
}

/// Session ids and member emails for `__complete`, from the database in use
/// and the caller's login, as `sessions list` and `members` show them. Any
/// failure (no database, no login, a refusal) is no candidates.
struct LiveCompletionSource: CompletionSource {
    let context: Context

    /// `database` is what `--db` names on the line being completed: the
    /// candidates must come from the database the command will run against.
    /// The words arrive as typed, so a leading `~/` is still to be expanded.
    /// Over SSH the server's database is the only one: a `--db` on the line
    /// is not followed.
    init(context: Context, database: String?) {
        if let database, context.remoteKey == nil {
            if database.hasPrefix("~/"), let home = context.home {
                context.databaseOverride = home + database.dropFirst()
            } else {
                context.databaseOverride = database
            }
        }
        self.context = context
    }

    /// The upcoming sessions the caller takes part in; a line manager's view
    /// of their reports' sessions offers nothing to act on.
    func sessionIDs() -> [String] {
        guard let signedIn = try? context.signIn(),
              let views = try? signedIn.mindbeat.sessions(signedIn.actor, scope: .upcoming)
        else { return [] }
        return views.filter { $0.access != .lineManager }.map { String($0.session.id) }
    }

    func memberEmails() -> [String] {
        guard let signedIn = try? context.signIn(), let members = try? signedIn.mindbeat.members(signedIn.actor) else { return [] }
        return members.map(\.account.email)
    }
}

/// A source that only notes that ids or emails were wanted.
final class IdsOrEmailsWanted: CompletionSource {
    private(set) var asked = false
    func sessionIDs() -> [String] {
        asked = true
        return []
    }
    func memberEmails() -> [String] {
        asked = true
        return []
    }
}
