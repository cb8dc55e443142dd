import Testing
@testable import MindbeatCLI
@testable import MindbeatCore

/// One source per fact: every number of the protocol that the README, the man
/// pages or `--help` state must be the number `Policy` holds. A document that
/// says "waits 20 minutes" fails here, whoever wrote it.
@Suite("The documents state the rules' numbers")
struct DocNumbersTests {
    /// A fact, and the phrasings documents use for it; each pattern captures
    /// the number, in digits or words.
    struct Fact: Sendable {
        let name: String
        let value: Int64
        let patterns: [String]
    }

    static let number = "(\\d+|five|fifteen|thirty|sixty)"

    static let facts: [Fact] = [
        Fact(name: "early join", value: Policy.earlyJoinMinutes, patterns: [
            "\(number) minutes before (?:its|the) start",
        ]),
        Fact(name: "the wait for a member", value: Policy.waitMinutes, patterns: [
            "wait(?:s|ed|ing)? (?:at least |for [A-Za-z]+ )?\(number) minutes",
            "\(number)-minute[- ]wait",
            "\(number) min(?:utes?)? (?:wait|for the member)",
            "\(number) minutes from the later of",
        ]),
        Fact(name: "the contact before missed", value: Policy.contactAfterMinutes, patterns: [
            "\(number) minutes after (?:the|its) start",
        ]),
        Fact(name: "the shared-notes notice", value: Policy.notesNoticeDelayMinutes, patterns: [
            "\(number) minutes after (?:a|the) session ends",
            "\(number) minutes after the end",
        ]),
        Fact(name: "the note limit", value: Int64(Policy.noteLimitKiB), patterns: [
            "(?:note|bod(?:y|ies))[^.|]{0,40}? \(number) KiB",
        ]),
        Fact(name: "a login's life", value: Policy.loginLifetimeDays, patterns: [
            "login[^.|]{0,30}? \(number) days",
        ]),
        Fact(name: "a report's default start", value: Policy.reportPastMonths, patterns: [
            "the month \(number) months (?:ago|back|before)",
        ]),
        Fact(name: "a report's longest range", value: Int64(Policy.longestReportPeriods), patterns: [
            "report[^.|]{0,30}? at most \\| \(number) weeks",
        ]),
    ]

    static let words: [String: Int64] = ["five": 5, "fifteen": 15, "thirty": 30, "sixty": 60]

    /// Every number a text states for a fact.
    static func stated(_ fact: Fact, in text: String) -> [Int64] {
        var found: [Int64] = []
        for pattern in fact.patterns {
            guard let regex = try? Regex(pattern).ignoresCase() else {
                Issue.record("bad pattern \(pattern)")
                continue
            }
            for match in text.matches(of: regex) {
                guard let captured = match.output[1].substring.map(String.init) else { continue }
                if let value = Int64(captured) ?? words[captured.lowercased()] { found.append(value) }
            }
        }
        return found
    }

    /// A document as prose: roff escapes and line breaks out of the way.
    static func prose(_ text: String) -> String {
        var text = text
        for (escape, plain) in [("\\-", "-"), ("\\fB", ""), ("\\fR", ""), ("\\fI", ""), ("\\(em", "—"), ("\\(en", "–"), ("\\&", "")] {
            text = text.replacing(escape, with: plain)
        }
        return String(text.map { $0 == "\n" ? " " : $0 }).replacing("  ", with: " ")
    }

    /// The README, every man page and every command's help.
    static func documents() -> [(String, String)] {
        var documents = [("README.md", readText(packageRoot + "/README.md") ?? "")]
        documents += ManPages(table: Commands.table).pages().map { ("man/" + $0.file, $0.text) }
        let writer = HelpWriter(table: Commands.table, width: 80)
        documents.append(("mindbeat --help", writer.overview(version: mindbeatVersion)))
        documents += Commands.table.filter { !$0.hidden }.map { ("mindbeat \($0.name) --help", writer.command($0)) }
        return documents.map { ($0.0, prose($0.1)) }
    }

    @Test(arguments: facts.map(\.name))
    func everyDocumentStatesTheRulesNumber(name: String) throws {
        let fact = try #require(Self.facts.first { $0.name == name })
        var seen = 0
        for (document, text) in Self.documents() {
            for value in Self.stated(fact, in: text) {
                seen += 1
                #expect(value == fact.value, "\(document) says \(value) for \(fact.name); the rules use \(fact.value)")
            }
        }
        #expect(seen > 0, "no document states \(fact.name): the patterns no longer match anything")
    }

    /// The README names every kind of event the log holds.
    @Test func theReadmeNamesEveryEventKind() throws {
        let readme = try #require(readText(packageRoot + "/README.md"))
        for kind in EventKind.allCases {
            #expect(readme.contains("`\(kind.rawValue)`"), "README.md does not name the event kind \(kind.rawValue)")
        }
    }

    @Test func aWrongNumberIsCaught() throws {
        let wait = try #require(Self.facts.first { $0.name == "the wait for a member" })
        #expect(Self.stated(wait, in: "the coach waits 20 minutes before ending it") == [20])
        #expect(Self.stated(wait, in: "under the 15-minute-wait protocol") == [15])
        #expect(Self.stated(wait, in: "after a 20-minute wait") == [20])
        #expect(Self.stated(wait, in: "a 20 min wait") == [20])
        let notice = try #require(Self.facts.first { $0.name == "the shared-notes notice" })
        #expect(Self.stated(notice, in: Self.prose("emailed fifteen minutes after\nthe session ends")) == [15])
    }
}
