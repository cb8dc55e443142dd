import MindbeatCore

extension Commands {
    static let completions = Command(
        ["completions"], group: .shell,
        summary: "print the completion script for a shell",
        discussion: """
            Prints the bash, zsh or fish completion script, the same text as completions/ in \
            the source and what make install installs. The scripts are small: they ask \
            mindbeat itself for the candidates (commands, options, values, session ids and \
            member emails, from the database and login in use) and never evaluate them.
            """,
        positionals: [Positional(Key.shell, "bash, zsh or fish")],
        examples: [
            ("mindbeat completions bash > ~/.local/share/bash-completion/completions/mindbeat", "install for bash"),
            ("mindbeat completions fish > ~/.config/fish/completions/mindbeat.fish", "install for fish"),
        ],
        action: .open { context, arguments in
            guard let shell = CompletionScripts.Shell(rawValue: try arguments.required(.shell)) else {
                throw MindbeatError.internal("the parser let through an unknown shell")
            }
            context.out.write(CompletionScripts.script(for: shell))
        }
    )
}
