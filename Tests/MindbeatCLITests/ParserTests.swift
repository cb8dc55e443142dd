import Testing
import TestSupport
@testable import MindbeatCLI
@testable import MindbeatCore

@Suite("Parsing command lines")
struct ParserTests {
    let parser = Parser(table: Commands.table) { text throws(InvalidValue) in
        try TimeInput.parse(text, now: at("2026-12-01T08:00:00Z"), zone: FixedOffsetZone.utc)
    }

    func parse(_ words: String...) throws -> (Command, Arguments) {
        let (request, _) = try parser.parse(words)
        guard case .run(let command, let arguments) = request else { throw UsageError("not a run") }
        return (command, arguments)
    }

    func problem(_ words: String...) -> [String] { problem(words) }

    func problem(_ words: [String]) -> [String] {
        do {
            _ = try parser.parse(words)
            return []
        } catch {
            return error.lines
        }
    }

    @Test func optionsBeforeOrAfterPositionalsInEitherSpelling() throws {
        for words in [["end", "12", "--held"], ["end", "--held", "12"]] {
            let (request, _) = try parser.parse(words)
            guard case .run(let command, let arguments) = request else { Issue.record(); return }
            #expect(command.name == "end" && arguments[.id] == 12 && arguments.choice(EndOutcome.self) == .held)
        }
        let (_, a) = try parse("sessions", "add", "--at=+2h", "--member", "bo@example.com", "--duration=45")
        #expect(a[.at] == at("2026-12-01T10:00:00Z"))
        #expect(a[.member] == "bo@example.com" && a[.duration] == 45)
    }

    @Test func doubleDashEndsOptions() throws {
        let (_, a) = try parse("chat", "3", "--", "--held is not an option here")
        #expect(a[.text] == "--held is not an option here")
        let (_, b) = try parse("chat", "3", "-")
        #expect(b[.text] == "-")
    }

    @Test func theLongestCommandPathWins() throws {
        #expect(try parse("help", "call").0.name == "help call")
        #expect(try parse("help", "end").0.name == "help")
        #expect(try parse("sessions", "list").0.name == "sessions list")
    }

    @Test func dbIsGlobalAnywhere() throws {
        #expect(try parser.parse(["--db", "/x.db", "whoami"]).1.db == "/x.db")
        #expect(try parser.parse(["whoami", "--db=/y.db"]).1.db == "/y.db")
        #expect(problem("whoami", "--db").first?.contains("needs a value") == true)
    }

    @Test func remoteAndZoneAreGlobalAnywhereAndTheirPlacesAreKnown() throws {
        let words = ["--remote", "team.example.com", "sessions", "list", "--tz=Europe/Berlin", "--json"]
        let globals = try parser.parse(words).1
        #expect(globals.remote == "team.example.com")
        #expect(globals.tz == "Europe/Berlin")
        // The client sends the line on without them, and nothing else is dropped.
        #expect(words.indices.filter { !globals.positions.contains($0) }.map { words[$0] } == ["sessions", "list", "--json"])
        #expect(problem("whoami", "--remote").first?.contains("needs a value") == true)
        #expect(problem("--tz").first?.contains("needs a value") == true)
        // A chat text that looks like the option is text after --.
        let chat = try parser.parse(["chat", "5", "--", "--remote"]).1
        #expect(chat.remote == nil)
    }

    @Test func timesAreReadInTheZoneGivenWhereverTzComes() throws {
        final class Log { var steps: [String] = [] }
        let log = Log()
        var zoned = Parser(table: Commands.table) { text throws(InvalidValue) in
            log.steps.append("time " + text)
            return try TimeInput.parse(text, now: at("2026-12-01T08:00:00Z"), zone: FixedOffsetZone.utc)
        }
        zoned.selectZone = { name throws(UsageError) in log.steps.append("zone " + name) }
        _ = try zoned.parse(["sessions", "add", "--at", "2026-12-02 10:00", "--member", "bo@example.com", "--tz", "Europe/Berlin"])
        // The zone is chosen before the time given ahead of it is read.
        #expect(log.steps == ["zone Europe/Berlin", "time 2026-12-02 10:00"])
    }

    @Test func unknownThingsAreNamedWithASuggestion() {
        #expect(problem("attned").first == "unknown command 'attned'; did you mean 'attend'?")
        #expect(problem("end", "1", "--mised").first == "unknown option '--mised' for 'end'; did you mean --missed?")
        #expect(problem("end", "1", "-x").first?.hasPrefix("unknown option '-x'") == true)
        #expect(problem("sessions").first?.contains("needs a subcommand: list, show, log, add") == true)
        #expect(problem("frobnicate").first == "unknown command 'frobnicate'")
        #expect(problem("end", "1", "--held").isEmpty)
    }

    /// A command that takes free text may be given a message shaped like an
    /// option: no word of it is named back, whatever its shape (SPEC §6).
    @Test func anOptionLikeWordOfAFreeTextCommandIsNeverEchoed() {
        for (words, secret) in [
            (["chat", "5", "-anxious-about-x"], "anxious"),
            (["chat", "5", "--i-feel-sad-today"], "feel"),
            (["chat", "5", "--jsn=leaving-my-job"], "leaving"),
            (["notes", "add", "--session", "5", "--shared", "-dismissed-by-Cy"], "dismissed"),
            (["feedback", "5", "--rating", "1", "-manager-yelled"], "yelled"),
            (["contact", "5", "--via", "chat", "-worried-about-bo"], "worried"),
        ] {
            let lines = problem(words)
            #expect(!lines.isEmpty)
            #expect(!lines.joined().contains(secret), "\(lines) repeats a word of free text")
            #expect(lines.first?.hasPrefix("unknown option") == true, "\(lines)")
        }
        // Free text or a password in the wrong place is not named back either.
        for (words, secret) in [
            (["chat", "I am scared my manager will fire me"], "scared"),
            (["notes", "add", "--session", "worried about Bo", "--shared", "x"], "worried"),
            (["login", "bo@example.com", "Hunter2SecretPW"], "Hunter2"),
            (["login", "Hunter2SecretPW"], "Hunter2"),
            (["passwd", "Hunter2SecretPW"], "Hunter2"),
            (["users", "reset", "bo@example.com", "Hunter2SecretPW"], "Hunter2"),
            (["users", "add", "--role", "member", "--name", "B", "--email", "b@example.com", "-pHunter2SecretPW"], "Hunter2"),
        ] {
            let lines = problem(words)
            #expect(!lines.isEmpty)
            #expect(!lines.joined().contains(secret), "\(lines) repeats a private word")
        }
        // The option it is close to is still suggested; the word itself is not shown.
        #expect(problem("chat", "5", "--jsn").first == "unknown option for 'chat'; did you mean --json? (to give text that starts with -, put -- before it)")
    }

    @Test func everyProblemComesWithTheUsage() {
        let lines = problem("end", "1", "--held", "--missed")
        #expect(lines == ["--held and --missed cannot be used together", "usage: mindbeat end ID (--held | --missed)"])
    }

    @Test func valuesAreCheckedAndNamed() {
        #expect(problem("sessions", "show", "0").first?.hasPrefix("ID '0' is out of range") == true)
        #expect(problem("sessions", "add", "--at", "2026-02-30").first?.hasPrefix("--at '2026-02-30' is not a real date") == true)
        #expect(problem("sessions", "add", "--at", "+1d", "--duration", "0").first?.hasPrefix("--duration '0'") == true)
        #expect(problem("users", "add", "--role", "boss").first == "--role 'boss' is not one of coach, member, manager")
        #expect(problem("end", "1", "--held", "--held").first == "--held is given more than once")
        #expect(problem("end", "1", "2", "--held").first == "unexpected argument '2'")
    }

    @Test func echoedValuesAreMadeSafe() {
        let line = problem("sessions", "show", "\u{1B}[31mred\u{202E}").first ?? ""
        #expect(!line.contains("\u{1B}") && !line.contains("\u{202E}"))
        let long = problem("sessions", "show", String(repeating: "9", count: 10_000)).first ?? ""
        #expect(long.count < 200)
    }

    @Test func freeTextIsNeverEchoed() {
        let secret = "SECRET-TEXT-" + String(repeating: "x", count: 5000)
        let result = capture(["chat", "1", secret])
        #expect(result.status == 64)
        #expect(!result.stderr.contains("SECRET-TEXT"))
    }

    @Test func strayWordsOfAPrivateNoteAreNeverEchoed() {
        for words in [["notes", "add", "--session", "1", "--private", "first", "SECRET-WORDS"],
                      ["notes", "add", "--session", "1", "--private", "--SECRET-WORDS of a note"],
                      ["notes", "add", "--session", "1", "--private", "-SECRET words"],
                      ["feedback", "1", "--rating", "5", "--comment", "ok", "SECRET-WORDS"],
                      ["chat", "1", "hello", "SECRET-WORDS"]] {
            let result = capture(words)
            #expect(result.status == 64, "\(words)")
            #expect(!result.stderr.contains("SECRET"), "\(words) echoed: \(result.stderr)")
        }
        // Things shaped like options are still named, with a suggestion.
        #expect(problem("notes", "add", "--sesion", "1", "--private", "x").first?.contains("did you mean --session?") == true)
    }

    @Test func helpWinsOverOtherProblems() throws {
        let (request, _) = try parser.parse(["end", "--bogus", "-h"])
        guard case .help(let words) = request else { Issue.record("expected help"); return }
        #expect(words == ["end"])
    }

    @Test func invalidNowIsAUsageError() {
        let result = capture(["whoami"], environment: ["MINDBEAT_NOW": "2026-12-01 09:00"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("mindbeat: MINDBEAT_NOW"))
    }

    @Test func jsonEscapesEverythingItMust() {
        let value = JSON.object([("text", .string("a\"b\\c\nd\u{1}e\u{2028}f"))])
        #expect(value.rendered() == "{\n  \"text\": \"a\\\"b\\\\c\\nd\\u0001e\\u2028f\"\n}")
        #expect(JSON.array([]).rendered() == "[]")
        #expect(JSON.null.rendered() == "null")
    }
}

@Suite("Exit statuses")
struct ExitStatusMappingTests {
    @Test func everyErrorKindMapsToItsDocumentedStatus() {
        let zone = FixedOffsetZone.utc
        let now = at("2026-12-01T08:00:00Z")
        let cases: [(MindbeatError, MindbeatCLI.ExitStatus)] = [
            (.incomplete(.memberNotNamed), .usage), (.badBody(.empty), .dataError),
            (.database(.foreign, location: "p"), .dataError), (.database(.newer(version: 9), location: "p"), .dataError),
            (.database(.corrupt, location: "p"), .dataError), (.database(.missing, location: "p"), .notFound),
            (.notFound(.session(1)), .notFound), (.database(.cannotCreate(reason: "r"), location: "p"), .cannotCreate),
            (.database(.io("x"), location: "p"), .ioError), (.database(.busy, location: "p"), .temporaryFailure),
            (.notLoggedIn, .permission), (.loginExpired, .permission), (.wrongCredentials, .permission),
            (.forbidden(.needsAdmin(.listAccounts)), .permission),
            (.refused(Refusal(.end(session: 1, as: .held), reasons: [.coachNotJoined])), .refused), (.internal("x"), .software),
            (.database(.notAFile, location: "p"), .dataError), (.database(.exists, location: "p"), .cannotCreate),
            (.database(.writableByOthers(path: "p", sharedDirectory: false), location: "p"), .permission),
            (.database(.writableByOthers(path: "d", sharedDirectory: true), location: "d/p"), .permission),
            (.database(.notOwner(owner: 1000), location: "p"), .permission),
        ]
        for (error, status) in cases {
            let (mapped, lines) = MindbeatCLI.ExitStatus.describe(error, zone: zone, now: now)
            #expect(mapped == status, "\(error)")
            #expect(lines.count == 1 && !(lines.first ?? "").isEmpty)
        }
        #expect(MindbeatCLI.ExitStatus.allCases.map(\.rawValue) == [0, 1, 64, 65, 66, 70, 73, 74, 75, 77])
    }
}
