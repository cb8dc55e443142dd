#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

extension Commands {
    static let completions = Command(
        ["completions"], group: .shell,
        summary: "print the completion script for a shell",
        discussion: """
            Prints the bash, zsh or fish completion script, the same text as completions/ in \
            the source and what make install installs. Commands, options and their values \
            complete from the script; session ids and member emails are asked of mindbeat \
            while completing, from the database and login in use.
            """,
        positionals: [Positional("SHELL", .choice(CompletionScripts.Shell.allCases.map(\.rawValue)), "bash, zsh or fish")],
        examples: [
            ("mindbeat completions bash > ~/.local/share/bash-completion/completions/mindbeat", "install for bash"),
            ("mindbeat completions fish > ~/.config/fish/completions/mindbeat.fish", "install for fish"),
        ],
        needsLogin: false
    ) { context, arguments in
        guard let shell = arguments.positionalString(0).flatMap(CompletionScripts.Shell.init(rawValue:)) else {
            throw MindbeatError.usage("give the shell: bash, zsh or fish")
        }
        context.out.write(CompletionScripts(table: table).script(for: shell))
    }

    /// What the completion scripts ask for while completing: one candidate a
    /// line, nothing at all on any error.
    static let complete = Command(
        ["__complete"], group: .shell,
        summary: "candidates for the completion scripts",
        positionals: [Positional("KIND", .choice(["sessions", "members"]), "sessions or members")],
        hidden: true
    ) { context, arguments in
        guard let (mindbeat, token) = try? context.signedIn() else { return }
        switch arguments.positionalString(0) {
        case "sessions":
            let views = (try? mindbeat.sessions(token: token, scope: .upcoming)) ?? []
            for view in views where view.access != .lineManager { context.out.line(String(view.session.id)) }
        default:
            let members = (try? mindbeat.members(token: token)) ?? []
            for member in members { context.out.line(member.account.email) }
        }
    }

    /// Writes man/ and completions/ under a directory (`make generate`).
    static let generate = Command(
        ["__generate"], group: .shell,
        summary: "write the man pages and completion scripts",
        positionals: [Positional("DIR", .path, "the source directory")],
        needsLogin: false, hidden: true
    ) { context, arguments in
        let root = arguments.positionalString(0) ?? "."
        for (path, text) in generatedFiles() {
            let full = root + "/" + path
            if let slash = full.lastIndex(of: "/") { try Store.makeDirectory(String(full[..<slash])) }
            try writeFile(full, text)
            context.out.line("wrote \(path)")
        }
    }

    /// Every generated file, by its path in the source tree.
    static func generatedFiles() -> [(String, String)] {
        let scripts = CompletionScripts(table: table)
        return ManPages(table: table).pages().map { ("man/" + $0.file, $0.text) }
            + CompletionScripts.Shell.allCases.map { ("completions/" + $0.fileName, scripts.script(for: $0)) }
    }

    static func writeFile(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw MindbeatError.io("cannot write \(path)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw MindbeatError.io("cannot write \(path)") }
    }
}
