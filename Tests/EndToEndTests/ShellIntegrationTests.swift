import Foundation
import Testing
import TestSupport

/// Runs a shell command line, returning its status and output.
func shell(_ script: String, environment: [String: String] = [:]) throws -> Outcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", script]
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The checks .ci/run installs the tools for: mandoc lints every page, the
/// completion stubs parse, and bash, zsh and fish complete for real — on a
/// terminal, where the shell inserts what mindbeat offers.
@Suite("Man pages and completion scripts in real tools")
struct ShellIntegrationTests {
    @Test func everyManPagePassesMandocLint() throws {
        let pages = try FileManager.default.contentsOfDirectory(atPath: root + "/man").filter { $0.hasSuffix(".1") }
        #expect(pages.count > 10)
        for page in pages {
            let lint = try shell("mandoc -Tlint -Wwarning '\(root)/man/\(page)'")
            #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "\(page): \(lint.stdout)\(lint.stderr)")
        }
    }

    @Test func zshAndFishParseTheirScripts() throws {
        let zsh = try shell("zsh -n '\(root)/completions/_mindbeat'")
        #expect(zsh.status == 0, "\(zsh.stderr)")
        let fish = try shell("fish -n '\(root)/completions/mindbeat.fish'")
        #expect(fish.status == 0, "\(fish.stderr)")
        let bash = try shell("bash -n '\(root)/completions/mindbeat.bash'")
        #expect(bash.status == 0, "\(bash.stderr)")
    }

    // MARK: Completion: candidates are data

    /// What a user types before TAB to pick each hostile candidate (by its
    /// index in `CompletionBench.hostile`), quoted as they would type it.
    static let prefixes: [(typed: String, index: Int)] = [
        ("x", 0), ("\\$", 1), ("\\'", 2), ("a", 3), ("\\*", 4), ("\\~", 5), ("\\;", 6),
    ]
    /// The same after an open quote, which the shell closes on inserting.
    static let quotedPrefixes: [(typed: String, index: Int)] = [("'a", 3), ("\"x", 0), ("'$", 1), ("\"'", 2)]

    /// `printf %q` output read back: each backslash quotes the next character.
    static func unescaped(_ word: String) -> String {
        var out = ""
        var escaped = false
        for character in word {
            if character == "\\" && !escaped {
                escaped = true
                continue
            }
            out.append(character)
            escaped = false
        }
        return out
    }

    @Test(arguments: [true, false])
    func bashOffersHostileCandidatesAsQuotedWords(withBashCompletion: Bool) throws {
        let bench = try CompletionBench(.fake)
        try bench.answer(bench.hostile)
        let replies = try bench.bashComplete(
            [(line: "mindbeat notes add --member ", words: ["mindbeat", "notes", "add", "--member", ""])], bashCompletion: withBashCompletion)
        #expect(bench.asked == ["__complete", "--", "notes", "add", "--member", ""])
        let reply = replies.first ?? []
        // Each is quoted (every one holds a character the shell acts on), and
        // reads back as exactly the candidate.
        #expect(reply.map(Self.unescaped) == bench.hostile, "\(reply)")
        #expect(zip(reply, bench.hostile).allSatisfy { $0 != $1 }, "\(reply)")
        #expect(bench.canaries.isEmpty, "a candidate was run: \(bench.canaries)")
    }

    /// The proof that matters: readline inserts each candidate, the line runs,
    /// and mindbeat receives the candidate exactly, nothing having run.
    @Test func bashInsertsHostileCandidatesLiterally() throws {
        let bench = try CompletionBench(.fake)
        try bench.answer(bench.hostile)
        let typed = Self.prefixes + Self.quotedPrefixes
        let outcome = try bench.type(typed.map { "mindbeat notes add --member \($0.typed)\t\n" }.joined(),
                                     into: "bash --rcfile \(bench.dir)/bashrc -i")
        #expect(bench.ran == typed.map { ["notes", "add", "--member", bench.hostile[$0.index]] }, "\(outcome.stdout)")
        #expect(bench.canaries.isEmpty, "a candidate was run: \(bench.canaries)")
    }

    @Test func zshInsertsHostileCandidatesLiterally() throws {
        let bench = try CompletionBench(.fake)
        try bench.answer(bench.hostile)
        // ("$ is left out: zsh completes parameter names there without asking the stub.)
        let typed = Self.prefixes + Self.quotedPrefixes.filter { $0.typed != "'$" }
        let outcome = try bench.type(typed.map { "mindbeat notes add --member \($0.typed)\t\n" }.joined(), into: "zsh -i")
        #expect(bench.ran == typed.map { ["notes", "add", "--member", bench.hostile[$0.index]] }, "\(outcome.stdout)")
        #expect(bench.canaries.isEmpty, "a candidate was run: \(bench.canaries)")
    }

    @Test func fishOffersAndInsertsHostileCandidatesLiterally() throws {
        let bench = try CompletionBench(.fake)
        try bench.answer(bench.hostile)
        let offered = try bench.fishComplete(["mindbeat notes add --member "])
        #expect(bench.asked == ["__complete", "--", "notes", "add", "--member", ""])
        #expect((offered.first ?? []).sorted() == bench.hostile.sorted(), "\(offered)")
        // (fish offers nothing for a token that is only an escaped *, whatever the candidates.)
        let typed = Self.prefixes.map { $0.typed == "\\*" ? ("\\*@", $0.index) : $0 } + Self.quotedPrefixes
        let outcome = try bench.type(typed.map { "mindbeat notes add --member \($0.typed)\t\n" }.joined(), into: "fish -i")
        #expect(bench.ran == typed.map { ["notes", "add", "--member", bench.hostile[$0.index]] }, "\(outcome.stdout)")
        #expect(bench.canaries.isEmpty, "a candidate was run: \(bench.canaries)")
    }

    /// The whole chain: emails another program wrote to the database, the
    /// built binary, each shell. Those that cannot be one line or shown as
    /// they are never reach the shell; the others arrive exactly.
    @Test(.enabled(if: !TestBackend.isPostgres, "looks at the SQLite file itself"))
    func hostileEmailsInTheDatabaseReachTheShellsAsDataOrNotAtAll() throws {
        let box = try Sandbox()
        try box.seed()
        let bench = try CompletionBench(.binary, box: box)
        let kept = ["x`touch${IFS}\(bench.dir)/PWNED3`@e.com", "$(touch${IFS}\(bench.dir)/PWNED4)@e.com", "'quote\"@e.com", "*@e.com",
                    "~root@e.com", ";id@e.com"]
        let dropped = ["a b@e.com", "x@e.com\nsessions", "tab\t@e.com", "esc\u{1B}[31m@e.com"]
        let rows = (kept + dropped).map { email in
            "INSERT INTO accounts (email, name, role, password_hash, coach_id, created_at) SELECT '\(email.replacingOccurrences(of: "'", with: "''"))', "
                + "'Planted', 'member', password_hash, coach_id, created_at FROM accounts WHERE email = 'bo@example.com';"
        }
        let planted = Process()
        planted.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        planted.arguments = [box.databasePath, rows.joined(separator: "\n")]
        try planted.run()
        planted.waitUntilExit()
        #expect(planted.terminationStatus == 0)
        let all = kept + ["bo@example.com"]

        let bash = try bench.bashComplete([(line: "mindbeat notes add --member ", words: ["mindbeat", "notes", "add", "--member", ""])])
        #expect((bash.first ?? []).map(Self.unescaped).sorted() == all.sorted(), "\(bash)")
        #expect(!(bash.first ?? []).contains { kept.contains($0) }, "bash offers a hostile candidate unquoted: \(bash)")
        let fish = try bench.fishComplete(["mindbeat notes add --member "])
        #expect((fish.first ?? []).sorted() == all.sorted(), "\(fish)")
        let zsh = try bench.type("mindbeat notes add --member x\t\nmindbeat notes add --member \\$\t\n", into: "zsh -i")
        #expect(bench.ran == [["notes", "add", "--member", kept[0]], ["notes", "add", "--member", kept[1]]], "\(zsh.stdout)")
        #expect(bench.canaries.isEmpty, "a candidate was run: \(bench.canaries)")
    }

    // MARK: Completion: commands, options, values, files

    /// A database with Ann's sessions 1 and 2 with Bo, and the completion bench on it.
    static func seededBench(sessions: [String] = ["2026-12-01T09:00:00Z", "2026-12-02T09:00:00Z"]) throws -> CompletionBench {
        let box = try Sandbox()
        try box.seed()
        for at in sessions { _ = try box.schedule(at) }
        return try CompletionBench(.binary, box: box)
    }

    @Test func bashCompletesCommandsOptionsValuesFilesAndSessionIDs() throws {
        let bench = try Self.seededBench()
        let replies = try bench.bashComplete([
            ("mindbeat ses", ["mindbeat", "ses"]),
            ("mindbeat sessions li", ["mindbeat", "sessions", "li"]),
            ("mindbeat sessions ", ["mindbeat", "sessions", ""]),
            ("mindbeat end 12 --", ["mindbeat", "end", "12", "--"]),
            ("mindbeat end 12 --held --", ["mindbeat", "end", "12", "--held", "--"]),
            ("mindbeat contact 1 --via ", ["mindbeat", "contact", "1", "--via", ""]),
            // COMP_WORDBREAKS splits at =; bash-completion puts the word together again.
            ("mindbeat contact 1 --via=p", ["mindbeat", "contact", "1", "--via", "=", "p"]),
            ("mindbeat end ", ["mindbeat", "end", ""]),
            ("mindbeat sessions list --member ", ["mindbeat", "sessions", "list", "--member", ""]),
            ("mindbeat help se", ["mindbeat", "help", "se"]),
            ("mindbeat --db dbs/", ["mindbeat", "--db", "dbs/"]),
            ("mindbeat sessions list --db=dbs/o", ["mindbeat", "sessions", "list", "--db", "=", "dbs/o"]),
        ])
        #expect(replies.count == 12)
        #expect(Array(replies.prefix(10)) == [
            ["sessions"], ["list"], ["list", "show", "log", "add", "cancel", "reschedule"], ["--held", "--missed", "--help", "--db"], ["--help", "--db"],
            ["email", "phone", "chat"], ["phone"], ["1", "2"], ["bo@example.com"], ["sessions", "serve"],
        ])
        #expect(replies.dropFirst(10).map { $0.sorted() } == [["dbs/one.db", "dbs/two.db"], ["dbs/one.db"]])
    }

    /// `--db` names the database the candidates come from, wherever it is on the line.
    @Test func theDatabaseOnTheLineIsTheOneCompletedFrom() throws {
        let bench = try Self.seededBench()
        let database = bench.box.databasePath
        bench.environment["MINDBEAT_DB"] = bench.dir + "/no-such.db"
        let replies = try bench.bashComplete([
            ("mindbeat end ", ["mindbeat", "end", ""]),
            ("mindbeat --db \(database) end ", ["mindbeat", "--db", database, "end", ""]),
            ("mindbeat end --db=\(database) ", ["mindbeat", "end", "--db", "=", database, ""]),
        ])
        #expect(replies == [[], ["1", "2"], ["1", "2"]])
        let fish = try bench.fishComplete(["mindbeat notes add --db \(database) --member "])
        #expect(fish == [["bo@example.com"]])
    }

    @Test func zshCompletesCommandsValuesFilesAndSessionIDs() throws {
        let bench = try Self.seededBench(sessions: ["2026-12-01T09:00:00Z"])
        let outcome = try bench.type([
            "mindbeat sessions li\t\n", "mindbeat contact 1 --via p\t\n", "mindbeat end \t\n", "mindbeat notes add --member b\t\n",
            "mindbeat --db dbs/o\t\n", "mindbeat --db=dbs/t\t\n", "mindbeat contact 1 --via \t\n",
        ].joined(), into: "zsh -i")
        #expect(bench.ran == [
            ["sessions", "list"], ["contact", "1", "--via", "phone"], ["end", "1"], ["notes", "add", "--member", "bo@example.com"],
            ["--db", "dbs/one.db"], ["--db=dbs/two.db"], ["contact", "1", "--via"],
        ], "\(outcome.stdout)")
        // The last TAB lists the choices.
        for word in ["email", "phone", "chat"] { #expect(outcome.stdout.contains(word)) }
    }

    @Test func fishCompletesCommandsValuesFilesAndSessionIDs() throws {
        let bench = try Self.seededBench()
        let offered = try bench.fishComplete([
            "mindbeat ses", "mindbeat sessions li", "mindbeat contact 1 --via ", "mindbeat contact 1 --via=p", "mindbeat end ",
            "mindbeat notes add --member ", "mindbeat end 3 --held --", "mindbeat --db dbs/", "mindbeat --db=dbs/o",
        ])
        #expect(offered.map { $0.sorted() } == [
            ["sessions"], ["list"], ["chat", "email", "phone"], ["--via=phone"], ["1", "2"], ["bo@example.com"], ["--db", "--help"],
            ["dbs/one.db", "dbs/two.db"], ["--db=dbs/one.db"],
        ])
    }

    @Test func makeInstallAndUninstallIntoAPrefix() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("mindbeat-prefix-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let install = try shell("make -s -C '\(root)' install PREFIX='\(prefix)' INSTALL_BIN='\(binary)'")
        #expect(install.status == 0, "\(install.stderr)")
        for path in ["bin/mindbeat", "share/man/man1/mindbeat.1", "share/man/man1/mindbeat-end.1",
                     "share/bash-completion/completions/mindbeat", "share/zsh/site-functions/_mindbeat",
                     "share/fish/vendor_completions.d/mindbeat.fish"] {
            #expect(FileManager.default.fileExists(atPath: prefix + "/" + path), "\(path) not installed")
        }
        let man = try shell("MANWIDTH=80 man -l '\(prefix)/share/man/man1/mindbeat-end.1' | cat")
        #expect(man.status == 0)
        #expect(man.stdout.contains("mindbeat end ID (--held | --missed)"))
        let version = try shell("'\(prefix)/bin/mindbeat' --version")
        #expect(version.stdout.hasPrefix("mindbeat "))
        let uninstall = try shell("make -s -C '\(root)' uninstall PREFIX='\(prefix)'")
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        let left = try shell("find '\(prefix)' -type f")
        #expect(left.stdout.isEmpty, "left behind: \(left.stdout)")
    }
}

// MARK: - Completion in real shells

/// Where the completion stubs run in real bash, zsh and fish: a `mindbeat` on
/// PATH that logs the words it was asked to complete and every command line
/// it was run with, canary paths that a hostile candidate creates if a shell
/// ever evaluates it, a file that `*@e.com` would match if a shell globbed
/// it, and a few database files to complete.
final class CompletionBench {
    /// What `mindbeat __complete` answers.
    enum Answers {
        /// The built binary, against the sandbox's database.
        case binary
        /// `:words` and the lines given to `answer(_:)`, filtered by the word
        /// being completed as the binary filters, but with no check of their
        /// content: the stubs must cope with anything.
        case fake
    }

    let box: Sandbox
    /// Logs, canaries, the fake's files and the shells' configuration.
    let dir: String
    /// The shells' working directory.
    let work: String
    var environment: [String: String]

    init(_ answers: Answers, box: Sandbox? = nil) throws {
        self.box = try box ?? Sandbox()
        dir = self.box.root.appendingPathComponent("completion").path
        work = dir + "/work"
        let files = FileManager.default
        for path in [dir + "/bin", work + "/dbs", dir + "/zfunc", dir + "/zdot", dir + "/config/fish/completions"] {
            try files.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        for path in [work + "/glob-bait@e.com", work + "/dbs/one.db", work + "/dbs/two.db"] {
            _ = files.createFile(atPath: path, contents: Data())
        }
        let complete: String
        switch answers {
        case .binary:
            complete = "exec '\(binary)' \"$@\""
        case .fake:
            complete = """
                for last; do :; done
                    {
                        IFS= read -r directive && printf '%s\\n' "$directive"
                        while IFS= read -r line; do
                            case "$line" in "$last"*) printf '%s\\n' "$line" ;; esac
                        done
                    } < '\(dir)/answers'
                    exit 0
                """
        }
        let fake = """
            #!/bin/sh
            # A stand-in for mindbeat, written by ShellIntegrationTests.
            if [ "$1" = __complete ]; then
                printf '%s\\n' "$@" > '\(dir)/asked'
                \(complete)
            fi
            { printf '%s\\n' "$@"; echo '-- end --'; } >> '\(dir)/ran'

            """
        try fake.write(toFile: dir + "/bin/mindbeat", atomically: true, encoding: .utf8)
        try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir + "/bin/mindbeat")
        // zsh loads _mindbeat from fpath through compinit; fish from its
        // completions directory; bash is given the file.
        try files.copyItem(atPath: root + "/completions/_mindbeat", toPath: dir + "/zfunc/_mindbeat")
        try files.copyItem(atPath: root + "/completions/mindbeat.fish", toPath: dir + "/config/fish/completions/mindbeat.fish")
        try "unsetopt GLOBAL_RCS\n".write(toFile: dir + "/zdot/.zshenv", atomically: true, encoding: .utf8)
        try """
            fpath=('\(dir)/zfunc' $fpath)
            autoload -Uz compinit && compinit -u -d '\(dir)/zcompdump'
            PS1='$ '

            """.write(toFile: dir + "/zdot/.zshrc", atomically: true, encoding: .utf8)
        try """
            source /usr/share/bash-completion/bash_completion
            source '\(root)/completions/mindbeat.bash'
            PS1='$ '

            """.write(toFile: dir + "/bashrc", atomically: true, encoding: .utf8)
        environment = self.box.environment
        environment["PATH"] = dir + "/bin:/usr/bin:/bin"
        environment["MINDBEAT_NOW"] = self.box.now
        environment["TERM"] = "xterm"
        environment["ZDOTDIR"] = dir + "/zdot"
        environment["XDG_CONFIG_HOME"] = dir + "/config"
        environment["XDG_DATA_HOME"] = dir + "/data"
        environment["PROMPT_COMMAND"] = ""
    }

    /// What the fake answers after `:words`.
    func answer(_ lines: [String]) throws {
        try ([":words"] + lines).map { $0 + "\n" }.joined().write(toFile: dir + "/answers", atomically: true, encoding: .utf8)
    }

    /// Candidates a shell must never evaluate, with canaries in this bench.
    var hostile: [String] {
        ["x`touch \(dir)/PWNED1`@e.com", "$(touch \(dir)/PWNED2)@e.com", "'quote\"@e.com", "a b@e.com", "*@e.com", "~root@e.com", ";id@e.com"]
    }

    /// Files a hostile candidate created by being run.
    var canaries: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix("PWNED") }
    }

    /// The words of the last `mindbeat __complete` call.
    var asked: [String] {
        ((try? String(contentsOfFile: dir + "/asked", encoding: .utf8)) ?? "").split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// The arguments of every other run of mindbeat, in order.
    var ran: [[String]] {
        let text = (try? String(contentsOfFile: dir + "/ran", encoding: .utf8)) ?? ""
        return text.components(separatedBy: "-- end --\n").dropLast().map { $0.split(separator: "\n").map(String.init) }
    }

    /// A script run by a shell in the working directory.
    func run(_ program: String, _ script: String) throws -> Outcome {
        let file = dir + "/script"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        return try shell("cd '\(work)' && \(program) '\(file)'", environment: environment)
    }

    /// Types `keys` into an interactive shell on a terminal (util-linux
    /// script): readline, zle or fish's reader complete and insert as they do
    /// for a user.
    func type(_ keys: String, into program: String) throws -> Outcome {
        let file = dir + "/keys"
        try (keys + "exit\n").write(toFile: file, atomically: true, encoding: .utf8)
        return try shell("cd '\(work)' && timeout 60 script -qec '\(program)' /dev/null < '\(file)'", environment: environment)
    }

    /// bash's completion of a command line, done as readline does it: the
    /// COMP_ variables set, the function called, COMPREPLY one entry a line.
    func bashComplete(_ lines: [(line: String, words: [String])], bashCompletion: Bool = true) throws -> [[String]] {
        var script = bashCompletion ? "source /usr/share/bash-completion/bash_completion\n" : ""
        script += "source '\(root)/completions/mindbeat.bash'\n"
        for (line, words) in lines {
            script += """
                COMP_LINE=\(CompletionBench.bashQuoted(line)); COMP_POINT=${#COMP_LINE}
                COMP_WORDS=(\(words.map(CompletionBench.bashQuoted).joined(separator: " "))); COMP_CWORD=\(words.count - 1)
                COMPREPLY=(); _mindbeat; ((${#COMPREPLY[@]})) && printf '%s\\n' "${COMPREPLY[@]}"; echo '-- end --'

                """
        }
        let outcome = try run("bash --norc --noprofile", script)
        #expect(outcome.status == 0 && outcome.stderr.isEmpty, "\(outcome.stderr)")
        return outcome.stdout.components(separatedBy: "-- end --\n").dropLast().map { $0.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    }

    /// fish's completions of command lines (`complete -C`), the candidates
    /// without their descriptions.
    func fishComplete(_ lines: [String]) throws -> [[String]] {
        let script = "source '\(root)/completions/mindbeat.fish'\n"
            + lines.map { "complete -C \(CompletionBench.fishQuoted($0)); echo '-- end --'\n" }.joined()
        let outcome = try run("fish --no-config", script)
        #expect(outcome.status == 0 && outcome.stderr.isEmpty, "\(outcome.stderr)")
        return outcome.stdout.components(separatedBy: "-- end --\n").dropLast().map {
            $0.split(separator: "\n").map { String($0.split(separator: "\t", omittingEmptySubsequences: false).first ?? "") }
        }
    }

    /// Single-quoted for bash: nothing is special inside but the quote.
    static func bashQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Single-quoted for fish, where a backslash and a quote inside take a backslash.
    static func fishQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
