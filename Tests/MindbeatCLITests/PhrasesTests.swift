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
