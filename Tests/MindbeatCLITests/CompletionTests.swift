import Testing
@testable import MindbeatCLI

/// Session ids and emails for the completer, with the database it was asked about.
final class FakeSource: CompletionSource {
    var ids: [String]
    var emails: [String]
    /// The `--db` each request was made with (nil: none on the line).
    private(set) var databases: [String?] = []

    init(ids: [String] = ["12", "13", "120"], emails: [String] = ["bo@example.com", "bea@example.com", "ed@example.com"]) {
        self.ids = ids
        self.emails = emails
    }

    func sessionIDs() -> [String] { ids }
    func memberEmails() -> [String] { emails }

    func asked(_ database: String?) -> FakeSource {
        databases.append(database)
        return self
    }
}

/// A source that must not be asked: completing a command or an option never
/// opens the database.
struct NoSource: CompletionSource {
    func sessionIDs() -> [String] {
        Issue.record("session ids were asked for")
        return []
    }

    func memberEmails() -> [String] {
        Issue.record("member emails were asked for")
        return []
    }
}

/// The completion engine behind `mindbeat __complete`, on the real command
/// table: what it offers for the words typed so far (the last one being
/// completed).
@Suite("Completion")
struct CompletionTests {
    let completer = Completer(table: Commands.table)

    /// The reply for words typed after `mindbeat`, from a source that must not be asked.
    func reply(_ words: String...) -> CompletionReply {
        completer.complete(words) { _ in NoSource() }
    }

    func candidates(_ words: String...) -> [String] {
        completer.complete(words) { _ in NoSource() }.candidates
    }

    /// The candidates, from `source`.
    func candidates(_ words: [String], from source: FakeSource) -> [String] {
        let reply = completer.complete(words) { source.asked($0) }
        #expect(reply.directive == .words)
        return reply.candidates
    }

    // MARK: Commands

    @Test func topLevelOffersEveryVisibleFirstWordOnce() {
        let words = candidates("")
        #expect(words.first == "sessions")
        for word in ["sessions", "attend", "end", "notes", "feedback", "users", "outbox", "help", "completions"] {
            #expect(words.contains(word), "\(word) missing")
        }
        #expect(words.count == Set(words).count)
        #expect(!words.contains { $0.hasPrefix("__") }, "hidden commands are offered: \(words)")
        #expect(candidates("ses") == ["sessions"])
        #expect(candidates("__") == [])
    }

    @Test func aGroupOffersItsSubcommands() {
        #expect(candidates("sessions", "") == ["list", "show", "log", "add", "cancel", "reschedule"])
        #expect(candidates("sessions", "l") == ["list", "log"])
        #expect(candidates("sessions", "li") == ["list"])
        #expect(candidates("users", "") == ["add", "list", "reset", "bank"])
        #expect(candidates("bogus", "") == [])
        #expect(candidates("sessions", "bogus", "") == [])
    }

    @Test func aCommandThatIsAlsoAGroupOffersItsSubcommandsWithItsArgument() {
        let source = FakeSource()
        #expect(candidates(["feedback", ""], from: source) == ["show", "12", "13", "120"])
        #expect(candidates(["feedback", "s"], from: source) == ["show"])
        #expect(candidates(["feedback", "show", ""], from: source) == ["12", "13", "120"])
        // After an argument, a subcommand can no longer come.
        #expect(candidates(["feedback", "12", "s"], from: source) == [])
        #expect(candidates("outbox", "") == ["send"])
        #expect(candidates("outbox", "send", "") == [])
    }

    @Test func globalOptionsBeforeTheCommand() {
        #expect(candidates("--") == ["--db", "--help", "--version"])
        #expect(candidates("-") == ["--db", "--help", "--version"])
        #expect(candidates("--db", "/tmp/x.db", "--") == ["--help", "--version"])
        #expect(candidates("--db", "/tmp/x.db", "sessions", "") == ["list", "show", "log", "add", "cancel", "reschedule"])
        #expect(candidates("--db=/tmp/x.db", "-h", "ses") == ["sessions"])
    }

    // MARK: Options

    @Test func optionsOfTheCommandWithHelpAndDB() {
        #expect(candidates("sessions", "list", "--") == ["--upcoming", "--past", "--all", "--member", "--from", "--to", "--json", "--help", "--db"])
        #expect(candidates("sessions", "list", "--m") == ["--member"])
        #expect(candidates("contact", "3", "--") == ["--via", "--note", "--help", "--db"])
        // Options may come before the arguments.
        #expect(candidates("end", "--") == ["--held", "--missed", "--help", "--db"])
    }

    @Test func optionsAlreadyGivenAreNotOfferedAgain() {
        #expect(candidates("contact", "3", "--via", "email", "--") == ["--note", "--help", "--db"])
        #expect(candidates("contact", "3", "--via=email", "--") == ["--note", "--help", "--db"])
        #expect(candidates("contact", "3", "--help", "--db", "x", "--") == ["--via", "--note"])
        #expect(candidates("contact", "-h", "--") == ["--via", "--note", "--db"])
    }

    @Test func aOneOfGroupExcludesTheOthersOnceOneIsGiven() {
        #expect(candidates("end", "3", "--held", "--") == ["--help", "--db"])
        #expect(!candidates("end", "3", "--held", "--").contains("--missed"))
        #expect(candidates("switch", "3", "--zoom", "--") == ["--help", "--db"])
        #expect(candidates("notes", "add", "--member", "bo@example.com", "--") == ["--shared", "--private", "--help", "--db"])
        #expect(candidates("notes", "add", "--private", "--session=12", "--") == ["--help", "--db"])
        #expect(candidates("sessions", "list", "--past", "--") == ["--member", "--from", "--to", "--json", "--help", "--db"])
    }

    // MARK: Option values

    @Test func choicesOfAnOption() {
        #expect(candidates("contact", "3", "--via", "") == ["email", "phone", "chat"])
        #expect(candidates("contact", "3", "--via", "ph") == ["phone"])
        #expect(candidates("users", "add", "--role", "") == ["coach", "member", "manager"])
        #expect(candidates("users", "list", "--role", "m") == ["member", "manager"])
        #expect(candidates("completions", "") == ["bash", "zsh", "fish"])
    }

    @Test func sessionIDsAndEmailsComeFromTheSource() {
        let source = FakeSource()
        #expect(candidates(["end", ""], from: source) == ["12", "13", "120"])
        #expect(candidates(["end", "12"], from: source) == ["12", "120"])
        #expect(candidates(["notes", "add", "--session", ""], from: source) == ["12", "13", "120"])
        #expect(candidates(["notes", "add", "--member", ""], from: source) == ["bo@example.com", "bea@example.com", "ed@example.com"])
        #expect(candidates(["notes", "add", "--member", "b"], from: source) == ["bo@example.com", "bea@example.com"])
        #expect(candidates(["users", "add", "--coach", "e"], from: source) == ["ed@example.com"])
        #expect(source.databases == [nil, nil, nil, nil, nil, nil])
    }

    @Test func valuesWithNothingToOfferOfferNothing() {
        #expect(reply("sessions", "add", "--at", "") == .nothing)
        #expect(reply("users", "add", "--name", "") == .nothing)
        #expect(reply("feedback", "3", "--rating", "") == .nothing)
        #expect(reply("chat", "3", "") == .nothing)
        #expect(reply("whoami", "") == .nothing)
    }

    @Test func aValueInTheSameWordAsItsOptionKeepsTheOptionInFront() {
        #expect(candidates("contact", "3", "--via=") == ["--via=email", "--via=phone", "--via=chat"])
        #expect(candidates("contact", "3", "--via=c") == ["--via=chat"])
        let source = FakeSource()
        #expect(candidates(["notes", "list", "--member=be"], from: source) == ["--member=bea@example.com"])
        #expect(candidates("end", "3", "--held=") == [], "a flag takes no value")
        #expect(candidates("end", "3", "--bogus=") == [])
        #expect(reply("sessions", "list", "--db=/tm") == .files(prefix: "--db="))
        #expect(reply("--db=") == .files(prefix: "--db="))
    }

    // MARK: --db

    @Test func theDatabaseOptionCompletesFileNames() {
        #expect(reply("--db", "") == .files())
        #expect(reply("--db", "/tmp/mi") == .files())
        #expect(reply("sessions", "list", "--db", "") == .files())
        #expect(reply("--db", "").lines == [":files"])
        #expect(reply("--db=/t").lines == [":files --db="])
    }

    @Test func theDatabaseNamedAnywhereOnTheLineIsTheOneAsked() {
        let source = FakeSource()
        _ = candidates(["--db", "/tmp/a.db", "end", ""], from: source)
        _ = candidates(["--db=/tmp/b.db", "end", ""], from: source)
        _ = candidates(["end", "--db", "/tmp/c.db", ""], from: source)
        _ = candidates(["notes", "add", "--member", "", ], from: source)
        _ = candidates(["notes", "add", "--db=/tmp/d.db", "--member", ""], from: source)
        _ = candidates(["notes", "add", "--db=", "--member", ""], from: source)
        #expect(source.databases == ["/tmp/a.db", "/tmp/b.db", "/tmp/c.db", nil, "/tmp/d.db", nil])
        // --db is the global option: given once, it is not offered again.
        #expect(!candidates("end", "--db", "/tmp/c.db", "--").contains("--db"))
    }

    // MARK: Positional arguments

    @Test func positionalsAreCountedPastOptionsAndTheirValues() {
        let source = FakeSource()
        // --member takes a value: "x" is not the first argument.
        #expect(candidates(["sessions", "list", "--member", "x", ""], from: source) == [])
        #expect(candidates(["end", "--db", "x.db", ""], from: source) == ["12", "13", "120"])
        #expect(candidates(["contact", "--via", "email", ""], from: source) == ["12", "13", "120"])
        #expect(candidates(["contact", "--via=email", "1"], from: source) == ["12", "13", "120"])
        #expect(candidates(["contact", "--held", ""], from: source) == ["12", "13", "120"], "an unknown option is skipped")
        // ID given: chat's TEXT is free text, end has nothing more.
        #expect(candidates(["chat", "12", ""], from: source) == [])
        #expect(candidates(["end", "12", ""], from: source) == [])
        #expect(candidates(["end", "--held", "12", ""], from: source) == [])
    }

    @Test func helpCompletesCommandWords() {
        #expect(candidates("help", "se") == ["sessions", "serve"])
        #expect(candidates("help", "sessions", "") == ["list", "show", "log", "add", "cancel", "reschedule"])
        #expect(candidates("help", "sessions", "s") == ["show"])
        #expect(candidates("help", "c").sorted() == ["calendar", "call", "chat", "completions", "contact"])
        #expect(candidates("help", "sessions", "list", "") == [])
        #expect(candidates("help", "call", "") == [], "help call is a command of its own")
    }

    @Test func doubleDashEndsOptions() {
        let source = FakeSource()
        #expect(candidates(["end", "--", "--"], from: source) == [], "after --, --held would be the ID")
        #expect(candidates(["end", "--", ""], from: source) == ["12", "13", "120"])
        #expect(candidates(["end", "--", "--held", ""], from: source) == [], "--held is the ID, and end takes one")
        #expect(candidates(["notes", "add", "--", "--member", ""], from: source) == [], "--member is the text")
        #expect(candidates("chat", "3", "--", "-") == [])
    }

    // MARK: Candidates are data

    @Test func candidatesThatCannotBeOneLineOrShownAsTheyAreAreDropped() {
        let source = FakeSource(
            ids: ["12", "1\n2", "", "13"],
            emails: [
                "evil@e.com\nsessions", "a b@e.com", "tab\t@e.com", "esc\u{1B}[2J@e.com", "cr\r@e.com", "nbsp\u{A0}@e.com",
                "ls\u{2028}@e.com", "rtl\u{202E}moc.e@e.com", "del\u{7F}@e.com",
                "x`touch /tmp/PWNED`@e.com", "x`touch${IFS}/tmp/PWNED`@e.com", "$(id)@e.com", "'quote\"@e.com", "*@e.com", "~root@e.com",
                ";id@e.com", "bo@example.com", "bo@example.com",
            ])
        #expect(candidates(["end", ""], from: source) == ["12", "13"])
        #expect(candidates(["notes", "add", "--member", ""], from: source) == [
            "x`touch${IFS}/tmp/PWNED`@e.com", "$(id)@e.com", "'quote\"@e.com", "*@e.com", "~root@e.com", ";id@e.com", "bo@example.com",
        ])
        #expect(candidates(["notes", "add", "--member", "$"], from: source) == ["$(id)@e.com"])
    }

    @Test func theDirectiveIsAlwaysTheFirstLine() {
        let source = FakeSource(emails: [":files", ":words", "bo@example.com"])
        let reply = completer.complete(["notes", "add", "--member", ""]) { source.asked($0) }
        #expect(reply.lines == [":words", ":files", ":words", "bo@example.com"])
        #expect(self.reply("end", "3", "--held", "--").lines == [":words", "--help", "--db"])
        #expect(self.reply("whoami", "").lines == [":words"])
    }

    @Test func prefixFilteringIsExactAndCaseSensitive() {
        #expect(candidates("Ses") == [])
        #expect(candidates("sessions", "LIST") == [])
        #expect(candidates("end", "3", "--HELD") == [])
        #expect(candidates("sessions", "list") == ["list"])
    }

    @Test func noWordsAtAllIsTheTopLevel() {
        let empty = completer.complete([], source: { _ in NoSource() })
        #expect(empty == reply(""))
    }

    // MARK: The command

    @Test func theHiddenCommandPrintsTheReplyAndNeverAnError() {
        let outcome = capture(["__complete", "--", "sessions", "li"])
        #expect(outcome.status == 0 && outcome.stdout == ":words\nlist\n" && outcome.stderr.isEmpty)
        let options = capture(["__complete", "--", "end", "3", "--"])
        #expect(options.stdout == ":words\n--held\n--missed\n--help\n--db\n")
        // No database, no login: no candidates, nothing on stderr.
        let ids = capture(["__complete", "--", "end", ""])
        #expect(ids.status == 0 && ids.stdout == ":words\n" && ids.stderr.isEmpty, "\(ids)")
        let emails = capture(["__complete", "--", "--db", "/nonexistent/x.db", "notes", "add", "--member", ""], environment: ["HOME": ""])
        #expect(emails.status == 0 && emails.stdout == ":words\n" && emails.stderr.isEmpty, "\(emails)")
        let files = capture(["__complete", "--", "--db="])
        #expect(files.stdout == ":files --db=\n")
        let nothing = capture(["__complete", "--"])
        #expect(nothing.status == 0 && nothing.stdout.hasPrefix(":words\nsessions\n"))
    }
}
