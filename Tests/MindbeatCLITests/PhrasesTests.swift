import Testing
@testable import MindbeatCLI
@testable import MindbeatCore

/// The core carries data; these are the sentences and messages the command
/// line makes of it.
@Suite("Phrases")
struct PhrasesTests {
    @Test func aRefusalNamesEveryConditionTheCommandThatHelpsAndTheTime() {
        let refusal = Refusal(.end(session: 12, as: .missed), reasons: [
            .waitForMember(until: at("2026-12-01T09:15:00Z"), name: "Bo"),
            .noContactAttempt(from: at("2026-12-01T09:05:00Z"), name: "Bo", sessionID: 12),
        ], allowedFrom: at("2026-12-01T09:15:00Z"))
        let message = Phrases.refusal(refusal, zone: FixedOffsetZone.utc, now: at("2026-12-01T08:55:00Z"))
        #expect(message == "cannot end session 12 as missed: wait for Bo until 09:15 (\(Policy.waitMinutes) minutes); contact Bo first, at 09:05 or later (mindbeat contact 12 --via email) (allowed from 09:15)")
    }

    @Test func everyReasonIDHasAMeaningAndTheManualListsIt() {
        let page = ManPages(table: Commands.table).overview()
        for kind in UnmetKind.allCases {
            #expect(!Phrases.meaning(kind).isEmpty)
            #expect(page.contains(".B \(ManPages.escape(kind.rawValue))\n"), "mindbeat(1) does not list \(kind.rawValue)")
        }
        #expect(Set(UnmetKind.allCases.map(\.rawValue)).count == UnmetKind.allCases.count)
    }

    @Test func oneAnswerForAnotherCoachsMemberAndAnUnknownAddress() {
        #expect(Phrases.missing(.member("bo@example.com")) == "no member bo@example.com of yours")
    }

    @Test func aFileOthersMayWriteIsNamedWithTheChmodThatFixesIt() {
        #expect(Phrases.database(.writableByOthers(path: "/srv/m.db", sharedDirectory: false), location: "/srv/m.db")
                == "/srv/m.db is writable by others; run: chmod go-w /srv/m.db")
        #expect(Phrases.writableByOthers("/home/ann/my notes") == "/home/ann/my notes is writable by others; run: chmod go-w '/home/ann/my notes'")
        #expect(Phrases.shellQuoted("it's") == "'it'\\''s'")
        #expect(Phrases.shellQuoted("-x.db") == "./-x.db")
        #expect(Phrases.shellQuoted("$(reboot)") == "'$(reboot)'")
        // /tmp is not chmod-ed: the database moves.
        #expect(!Phrases.database(.writableByOthers(path: "/tmp", sharedDirectory: true), location: "/tmp/m.db").contains("chmod"))
    }
}

@Suite("Notice messages")
struct NoticeMessageTests {
    @Test func headersAndEncodings() {
        #expect(NoticeMessage.rfc5322Date(at("2026-12-01T09:15:00Z")) == "Tue, 01 Dec 2026 09:15:00 +0000")
        #expect(NoticeMessage.mailbox("Bo \"B\" Member", "bo@example.com") == "\"Bo \\\"B\\\" Member\" <bo@example.com>")
        #expect(NoticeMessage.mailbox("Zoë", "z@example.com") == "=?utf-8?B?Wm/Dqw==?= <z@example.com>")
        #expect(NoticeMessage.base64(Array("Man".utf8)) == "TWFu")
        #expect(NoticeMessage.base64(Array("Ma".utf8)) == "TWE=")
        let long = NoticeMessage.encodedWord(String(repeating: "é", count: 60))
        for line in long.split(separator: "\r\n") { #expect(line.count <= 76) }
    }

    @Test func aNoticeSaysWhatWaitsAndTheCommandToSeeIt() {
        let coach = Person(id: 1, email: "ann@example.com", name: "Ann Coach")
        let member = Person(id: 2, email: "bo@example.com", name: "Bo Member")
        let session = Session(id: 12, coach: coach, member: member, startsAt: at("2026-12-01T09:00:00Z"), durationMinutes: 60, status: .held)
        func notice(_ kind: NoticeKind) -> Notice {
            Notice(id: 1, recipient: member, sessionID: 12, kind: kind, dueAt: at("2026-12-01T10:15:00Z"), status: .pending,
                   attempts: 0, sentAt: nil, lastError: nil)
        }
        let notes = NoticeMessage.compose(notice(.sharedNotes), session: session, from: "m@example.com",
                                          date: at("2026-12-01T10:15:00Z"), messageID: "x@example.com", zone: FixedOffsetZone.utc)
        #expect(notes.contains("\r\nTo: \"Bo Member\" <bo@example.com>\r\n"))
        #expect(notes.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(notes.contains("mindbeat notes list --session 12"))
        let reminder = NoticeMessage.compose(notice(.reminder), session: session, from: "m@example.com",
                                             date: at("2026-12-01T09:06:00Z"), messageID: "y@example.com", zone: FixedOffsetZone.utc)
        #expect(reminder.contains("mindbeat attend 12"))
    }
}

/// The words of refusals and permissions, pinned: a rewording is a change a
/// user notices, so it must be made on purpose.
@Suite("Permission wording")
struct PermissionWordingTests {
    @Test func theSentencesPeopleSee() {
        let cases: [(Forbidden, String)] = [
            (.lineManager(.attend), "line managers see the attendance of their reports' sessions only; they cannot attend a session"),
            (.lineManager(.readNotes), "line managers cannot read notes"),
            (.lineManager(.schedule), "line managers cannot schedule sessions"),
            (.lineManager(.seeStatus(session: 3)), "line managers see the attendance of their reports' sessions only (mindbeat sessions show 3)"),
            (.coachOnly(session: 3, .end), "only the coach of session 3 can end the session"),
            (.memberForThemselves(.schedule), "a member schedules sessions for themselves only"),
            (.coachForThemselves(.schedule), "a coach schedules their own sessions only"),
            (.coachForThemselves(.addAccounts), "a coach may add members for themselves only"),
            (.needsAdmin(.addAccounts), "adding accounts needs the admin right (a coach may add members of their own)"),
            (.needsAdmin(.grantAdmin), "only an admin can grant the admin right"),
            (.needsAdmin(.listAccounts), "listing accounts needs the admin right"),
            (.needsAdmin(.readOutbox), "the outbox needs the admin right"),
            (.coachesOnly(.listMembers), "members is for coaches and line managers"),
        ]
        for (forbidden, words) in cases { #expect(Phrases.forbidden(forbidden) == words) }
    }
}

/// One clock reading per command: with a clock that moves a minute and a
/// second on every reading, what a command prints is what it stored.
@Suite("One clock reading a command")
struct OneClockReadingTests {
    final class TickingClock: Clock, @unchecked Sendable {
        var instant: Instant
        init(_ instant: Instant) { self.instant = instant }
        func now() -> Instant {
            defer { instant = Instant(secondsSinceEpoch: instant.secondsSinceEpoch + 61) }
            return instant
        }
        func realSeconds(until instant: Instant) -> Double? { nil }
    }

    @Test func endPrintsTheInstantItStored() throws {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let environment = ["MINDBEAT_DB": directory + "/m.db", "XDG_STATE_HOME": directory + "/state", "HOME": directory, "TZ": "UTC"]
        func step(_ arguments: [String], at time: String, stdin: String = "", clock: (any Clock)? = nil) -> Captured {
            let input = directory + "/in"
            writeFile(input, Array(stdin.utf8))
            return captureRun(arguments, environment: environment, stdinPath: input, clock: clock ?? FixedClock(at(time)))
        }
        #expect(step(["init", "--name", "Ann Coach", "--email", "ann@example.com", "--password-stdin"], at: "2026-12-01T08:00:00Z",
                     stdin: "ann-password\n").status == 0)
        #expect(step(["users", "add", "--role", "member", "--name", "Bo Member", "--email", "bo@example.com", "--password-stdin"],
                     at: "2026-12-01T08:00:00Z", stdin: "bo-password\n").status == 0)
        #expect(step(["sessions", "add", "--at", "2026-12-01T09:00:00Z", "--member", "bo@example.com"], at: "2026-12-01T08:00:00Z").status == 0)
        #expect(step(["attend", "1"], at: "2026-12-01T08:59:30Z").status == 0)
        let ticking = TickingClock(at("2026-12-01T09:10:00Z"))
        let end = step(["end", "1", "--held"], at: "", clock: ticking)
        #expect(end.status == 0, "\(end.stderr)")
        #expect(end.stdout.contains("ended as held at 09:10 (counter 00:10:30)"), "\(end.stdout)")
        let shown = step(["sessions", "show", "1", "--json"], at: "2026-12-01T12:00:00Z")
        #expect(shown.stdout.contains("\"ended_at\": \"2026-12-01T09:10:00Z\""), "\(shown.stdout)")
    }
}
