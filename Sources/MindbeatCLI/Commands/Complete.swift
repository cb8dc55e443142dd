import MindbeatCore

extension Commands {
    /// What the completion scripts ask for while completing: one candidate a
    /// line, nothing at all on any error.
    static let complete = Command(
        ["__complete"], group: .shell,
        summary: "candidates for the completion scripts",
        positionals: [Positional(Key.completionWords, optional: true, variadic: true, "the words typed so far")],
        hidden: true,
        action: .open { context, arguments in
            let words = arguments[.completionWords] ?? []
            guard let signedIn = try? context.signIn() else { return }
            switch words.first {
            case "sessions":
                let views = (try? signedIn.mindbeat.sessions(signedIn.actor, scope: .upcoming)) ?? []
                for view in views where view.access != .lineManager { context.out.line(String(view.session.id)) }
            case "members":
                let members = (try? signedIn.mindbeat.members(signedIn.actor)) ?? []
                for member in members { context.out.line(member.account.email) }
            default:
                break
            }
        }
    )
}
