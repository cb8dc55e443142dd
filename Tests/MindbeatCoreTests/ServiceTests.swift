#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import MindbeatCore

/// The rules applied to a real database: who may do what, and that a refused
/// command writes nothing.
@Suite("Sessions on a database")
struct ServiceTests {
    // MARK: attend

    @Test func attendStartsTheSessionAndTheCounter() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T08:50:00Z")
        let result = try f.mindbeat.attend(f.actor("ann"), id: id)
        #expect(result.joinedNow && result.joinedEarly && result.party == .coach)
        let session = try f.session(id)
        #expect(session.status == .inProgress)
        #expect(session.coachJoinedAt == at("2026-12-01T08:50:00Z"))
    }

    @Test func attendingAgainKeepsTheFirstJoinTime() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:01:00Z")
        _ = try f.mindbeat.attend(f.actor("bo"), id: id)
        f.clock.set("2026-12-01T09:07:00Z")
        let again = try f.mindbeat.attend(f.actor("bo"), id: id)
        #expect(!again.joinedNow)
        #expect(try f.session(id).memberJoinedAt == at("2026-12-01T09:01:00Z"))
    }

    @Test func attendTooEarlyIsRefusedAndWritesNothing() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T08:29:00Z")
        let error = try f.expectUnchanged { _ = try f.mindbeat.attend(f.actor("ann"), id: id) }
        #expect(error?.reasonIDs == ["too_early"])
        #expect(error?.refusal?.allowedFrom == at("2026-12-01T08:30:00Z"))
    }

    @Test func attendWithoutIDPicksTheOnlySessionOpenNow() throws {
        let f = try Fixture()
        let first = try f.schedule("2026-12-01T09:00:00Z")
        _ = try f.schedule("2026-12-01T14:00:00Z")
        f.clock.set("2026-12-01T08:45:00Z")
        #expect(try f.mindbeat.attend(f.actor("bo"), id: nil).session.id == first)
    }

    @Test func attendWithoutIDRefusesWhenNoneIsOpen() throws {
        let f = try Fixture()
        _ = try f.schedule("2026-12-01T14:00:00Z")
        let error = try f.expectUnchanged { _ = try f.mindbeat.attend(f.actor("bo"), id: nil) }
        #expect(error?.reasonIDs == ["nothing_to_attend"])
    }

    @Test func attendWithoutIDRefusesWhenSeveralAreOpen() throws {
        let f = try Fixture()
        _ = try f.schedule("2026-12-01T09:00:00Z", minutes: 20)
        _ = try f.schedule("2026-12-01T09:20:00Z", minutes: 20)
        f.clock.set("2026-12-01T09:05:00Z")
        let error = try f.expectUnchanged { _ = try f.mindbeat.attend(f.actor("ann"), id: nil) }
        #expect(error?.reasonIDs == ["several_to_attend"])
    }

    // MARK: who may see and do what

    @Test func strangersFindNothing() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        for stranger in ["di", "ed", "fay"] {
            let error = try f.expectUnchanged { _ = try f.mindbeat.attend(f.actor(stranger), id: id) }
            #expect(error?.isNotFound == true)
            #expect(throws: MindbeatError.notFound(.session(id))) { try f.mindbeat.session(f.actor(stranger), id: id) }
        }
        #expect(throws: MindbeatError.notFound(.session(999))) { try f.mindbeat.session(f.actor("ann"), id: 999) }
    }

    @Test func aLineManagerSeesAttendanceOnlyAndMayDoNothing() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        #expect(try f.mindbeat.session(f.actor("cy"), id: id).view.access == .lineManager)
        #expect(try f.mindbeat.sessions(f.actor("cy"), scope: .all).map(\.access) == [.lineManager])
        f.clock.set("2026-12-01T09:00:00Z")
        var error = try f.expectUnchanged { _ = try f.mindbeat.attend(f.actor("cy"), id: id) }
        #expect(error?.isForbidden == true)
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        error = try f.expectUnchanged { _ = try f.mindbeat.chat(f.actor("cy"), id: id) }
        #expect(error?.isForbidden == true)
        error = try f.expectUnchanged { _ = try f.mindbeat.status(f.actor("cy"), id: id) }
        #expect(error?.isForbidden == true)
        error = try f.expectUnchanged { _ = try f.mindbeat.sendChat(f.actor("cy"), id: id, text: "hi") }
        #expect(error?.isForbidden == true)
        #expect(try f.mindbeat.session(f.actor("cy"), id: id).contactAttempts.isEmpty)
    }

    @Test func onlyTheCoachEndsContactsAndSwitches() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        _ = try f.mindbeat.attend(f.actor("bo"), id: id)
        var error = try f.expectUnchanged { _ = try f.mindbeat.end(f.actor("bo"), id: id, as: .held) }
        #expect(error?.isForbidden == true)
        error = try f.expectUnchanged { _ = try f.mindbeat.contact(f.actor("bo"), id: id, via: .email, note: nil) }
        #expect(error?.isForbidden == true)
        error = try f.expectUnchanged { _ = try f.mindbeat.switchChannel(f.actor("bo"), id: id, to: .phone) }
        #expect(error?.isForbidden == true)
    }

    // MARK: the whole protocol

    @Test func aNoShowEndsAsMissedOnlyAfterContactAndTheWait() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T08:50:00Z")
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        f.clock.set("2026-12-01T08:55:00Z")
        var error = try f.expectUnchanged { _ = try f.mindbeat.end(f.actor("ann"), id: id, as: .missed) }
        #expect(error?.reasonIDs == ["waiting_period", "no_contact_attempt"])
        error = try f.expectUnchanged { _ = try f.mindbeat.end(f.actor("ann"), id: id, as: .held) }
        #expect(error?.reasonIDs == ["before_start"])
        f.clock.set("2026-12-01T09:06:00Z")
        _ = try f.mindbeat.contact(f.actor("ann"), id: id, via: .email, note: "no answer yet")
        f.clock.set("2026-12-01T09:14:00Z")
        error = try f.expectUnchanged { _ = try f.mindbeat.end(f.actor("ann"), id: id, as: .missed) }
        #expect(error?.reasonIDs == ["waiting_period"])
        f.clock.set("2026-12-01T09:15:00Z")
        let ended = try f.mindbeat.end(f.actor("ann"), id: id, as: .missed)
        #expect(ended.status == .missed && ended.endedAt == at("2026-12-01T09:15:00Z"))
        let elapsed: Int64? = ended.elapsedSeconds(now: at("2026-12-01T12:00:00Z"))
        #expect(elapsed == 1500)
        error = try f.expectUnchanged { _ = try f.mindbeat.end(f.actor("ann"), id: id, as: .held) }
        #expect(error?.reasonIDs == ["session_ended"])
    }

    @Test func aHeldSessionKeepsItsChannel() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(f.actor("bo"), id: id)
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        let switched = try f.mindbeat.switchChannel(f.actor("ann"), id: id, to: .phone)
        #expect(switched.detail == "+49 170 1234567")
        f.clock.set("2026-12-01T09:55:00Z")
        let ended = try f.mindbeat.end(f.actor("ann"), id: id, as: .held)
        #expect(ended.status == .held && ended.channel == .phone)
        #expect(try f.session(id).channel == .phone)
    }

    @Test func contactByEmailQueuesAReminderInTheSameTransaction() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        f.clock.set("2026-12-01T09:05:00Z")
        _ = try f.mindbeat.contact(f.actor("ann"), id: id, via: .email, note: nil)
        let rows = try f.database.rows("SELECT kind, due_at, status, recipient_id FROM notices WHERE kind = 'reminder'")
        #expect(rows.count == 1)
        #expect(rows.first?.text(0) == "reminder")
        #expect(rows.first?.integer(1) == at("2026-12-01T09:05:00Z").secondsSinceEpoch)
        #expect(try f.session(id).contactAttempts == 1)
    }

    @Test func contactBeforeJoiningIsRefusedAndQueuesNothing() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:06:00Z")
        let error = try f.expectUnchanged { _ = try f.mindbeat.contact(f.actor("ann"), id: id, via: .email, note: nil) }
        #expect(error?.reasonIDs == ["coach_not_joined"])
    }

    @Test func contactByChatPostsTheNoteIntoTheChat() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:06:00Z")
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        _ = try f.mindbeat.contact(f.actor("ann"), id: id, via: .chat, note: nil)
        _ = try f.mindbeat.contact(f.actor("ann"), id: id, via: .chat, note: "I am here, Bo")
        let chat = try f.mindbeat.chat(f.actor("bo"), id: id).map(\.text)
        #expect(chat == ["Ann Coach is waiting", "I am here, Bo"])
    }

    @Test func contactNotesStayWithTheCoach() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:06:00Z")
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        _ = try f.mindbeat.contact(f.actor("ann"), id: id, via: .phone, note: "left voicemail")
        #expect(try f.mindbeat.session(f.actor("ann"), id: id).contactAttempts.map(\.note) == ["left voicemail"])
        #expect(try f.mindbeat.session(f.actor("bo"), id: id).contactAttempts.isEmpty)
        #expect(try f.mindbeat.chat(f.actor("bo"), id: id).isEmpty)
    }

    @Test func switchToZoomPostsTheLink() throws {
        let f = try Fixture()
        let id = try f.mindbeat.schedule(f.actor("di"), startsAt: at("2026-12-01T09:00:00Z"), memberEmail: "ed@example.com", coachEmail: nil, durationMinutes: 60)
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(f.actor("di"), id: id)
        let result = try f.mindbeat.switchChannel(f.actor("di"), id: id, to: .zoom)
        #expect(result.detail == "https://zoom.example/j/1")
        #expect(try f.mindbeat.chat(f.actor("ed"), id: id).map(\.text) == ["Let's continue on Zoom: https://zoom.example/j/1"])
        #expect(try f.session(id).channel == .zoom)
    }

    @Test func switchToZoomWithoutALinkIsRefused() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        let error = try f.expectUnchanged { _ = try f.mindbeat.switchChannel(f.actor("ann"), id: id, to: .zoom) }
        #expect(error?.reasonIDs == ["no_zoom_link"])
    }

    @Test func chatBeforeAnyoneAttendsIsRefused() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        let error = try f.expectUnchanged { try f.mindbeat.sendChat(f.actor("bo"), id: id, text: "hello") }
        #expect(error?.reasonIDs == ["not_in_progress"])
    }

    // MARK: scheduling

    @Test func schedulingInThePastIsRefused() throws {
        let f = try Fixture(now: "2026-12-01T10:00:00Z")
        let error = try f.expectUnchanged { _ = try f.schedule("2026-12-01T09:59:00Z") }
        #expect(error?.reasonIDs == ["starts_in_past"])
    }

    @Test func aSessionEndsByTheLastTimeMindbeatCanWrite() throws {
        let f = try Fixture()
        // Ending at 9999-12-31T23:59:59Z exactly is fine; a second later is not.
        _ = try f.mindbeat.schedule(try f.actor("ann"), startsAt: at("9999-12-31T23:59:59Z").plus(minutes: -60),
                                    memberEmail: "bo@example.com", coachEmail: nil)
        #expect(throws: MindbeatError.incomplete(.endsOutOfRange)) {
            try f.mindbeat.schedule(try f.actor("ann"), startsAt: at("9999-12-31T23:59:59Z"),
                                    memberEmail: "fay@example.com", coachEmail: nil, durationMinutes: 1)
        }
    }

    @Test func overlappingSessionsAreRefusedBackToBackAccepted() throws {
        let f = try Fixture()
        _ = try f.schedule("2026-12-01T09:00:00Z")
        var error = try f.expectUnchanged { _ = try f.schedule("2026-12-01T09:59:00Z", member: "fay@example.com") }
        #expect(error?.reasonIDs == ["overlap"])
        error = try f.expectUnchanged { _ = try f.schedule("2026-12-01T08:30:00Z", member: "fay@example.com") }
        #expect(error?.reasonIDs == ["overlap"])
        _ = try f.schedule("2026-12-01T10:00:00Z", member: "fay@example.com")
        _ = try f.schedule("2026-12-01T08:00:00Z", member: "fay@example.com")
    }

    @Test func anEndedSessionNoLongerBlocksItsSlot() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(f.actor("bo"), id: id)
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        _ = try f.mindbeat.end(f.actor("ann"), id: id, as: .held)
        _ = try f.schedule("2026-12-01T09:30:00Z", member: "fay@example.com")
    }

    @Test func aCoachSchedulesOnlyWithTheirOwnMembers() throws {
        let f = try Fixture()
        let error = try f.expectUnchanged { _ = try f.schedule("2026-12-01T09:00:00Z", member: "ed@example.com", by: "ann") }
        #expect(error?.reasonIDs == ["not_their_coach"])
    }

    @Test func aCoachNamingAnotherCoachsMemberFindsNoSuchMember() throws {
        let f = try Fixture()
        let another = try f.expectUnchanged { _ = try f.schedule("2026-12-01T09:00:00Z", member: "bo@example.com", by: "di") }
        let unknown = try f.expectUnchanged { _ = try f.schedule("2026-12-01T09:00:00Z", member: "nobody@example.com", by: "di") }
        #expect(another == .notFound(.member("bo@example.com")))
        #expect(unknown == .notFound(.member("nobody@example.com")))
    }

    @Test func aMemberNamingAnotherCoachIsRefusedNotIgnored() throws {
        let f = try Fixture()
        let error = try f.expectUnchanged {
            _ = try f.mindbeat.schedule(f.actor("ed"), startsAt: at("2026-12-01T09:00:00Z"), memberEmail: nil, coachEmail: "ann@example.com")
        }
        #expect(error == .forbidden(.memberWithOwnCoach))
        _ = try f.mindbeat.schedule(f.actor("ed"), startsAt: at("2026-12-01T09:00:00Z"), memberEmail: nil, coachEmail: "DI@example.com")
    }

    @Test func anOverlapNamesOnlyASessionTheCallerMaySee() throws {
        let f = try Fixture()
        let mine = try f.schedule("2026-12-01T10:00:00Z", member: "bo@example.com")
        _ = try f.schedule("2026-12-01T12:00:00Z", member: "fay@example.com")
        // Bo's own session is named; Ann's session with Fay is not.
        let own = try f.expectUnchanged {
            _ = try f.mindbeat.schedule(f.actor("bo"), startsAt: at("2026-12-01T10:30:00Z"), memberEmail: nil, coachEmail: nil)
        }
        #expect(own?.refusal?.reasons == [.overlaps(sessionID: mine, startsAt: at("2026-12-01T10:00:00Z"), whose: "Ann Coach")])
        let other = try f.expectUnchanged {
            _ = try f.mindbeat.schedule(f.actor("bo"), startsAt: at("2026-12-01T12:30:00Z"), memberEmail: nil, coachEmail: nil)
        }
        #expect(other?.refusal?.reasons == [.overlaps(sessionID: nil, startsAt: at("2026-12-01T12:00:00Z"), whose: "Ann Coach")])
    }

    @Test func aMemberSchedulesWithTheirCoach() throws {
        let f = try Fixture()
        let id = try f.mindbeat.schedule(f.actor("bo"), startsAt: at("2026-12-01T09:00:00Z"), memberEmail: nil, coachEmail: nil, durationMinutes: 30)
        let session = try f.session(id)
        #expect(session.coach.email == "ann@example.com" && session.durationMinutes == 30)
    }

    @Test func aLineManagerCannotSchedule() throws {
        let f = try Fixture()
        let error = try f.expectUnchanged { _ = try f.schedule("2026-12-01T09:00:00Z", by: "cy") }
        #expect(error?.isForbidden == true)
    }

    // MARK: listing

    @Test func listingsAreOrderedAndScoped() throws {
        let f = try Fixture()
        let late = try f.schedule("2026-12-03T09:00:00Z")
        let early = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(f.actor("bo"), id: early)
        _ = try f.mindbeat.attend(f.actor("ann"), id: early)
        #expect(try f.mindbeat.sessions(f.actor("ann"), scope: .upcoming).map(\.session.id) == [early, late])
        _ = try f.mindbeat.end(f.actor("ann"), id: early, as: .held)
        #expect(try f.mindbeat.sessions(f.actor("ann"), scope: .upcoming).map(\.session.id) == [late])
        #expect(try f.mindbeat.sessions(f.actor("ann"), scope: .past).map(\.session.id) == [early])
        #expect(try f.mindbeat.sessions(f.actor("ann"), scope: .all, from: at("2026-12-02T00:00:00Z")).map(\.session.id) == [late])
        #expect(try f.mindbeat.sessions(f.actor("ann"), scope: .all, to: at("2026-12-03T09:00:00Z")).map(\.session.id) == [early])
        #expect(try f.mindbeat.sessions(f.actor("di"), scope: .all).isEmpty)
        #expect(throws: MindbeatError.notFound(.member("ed@example.com"))) {
            try f.mindbeat.sessions(f.actor("ann"), scope: .all, memberEmail: "ed@example.com")
        }
    }

    @Test func membersShowsNextSessionAndCounts() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        let next = try f.schedule("2026-12-08T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(f.actor("bo"), id: id)
        _ = try f.mindbeat.attend(f.actor("ann"), id: id)
        _ = try f.mindbeat.end(f.actor("ann"), id: id, as: .held)
        let mine = try f.mindbeat.members(f.actor("ann"))
        #expect(mine.map(\.account.email) == ["bo@example.com", "fay@example.com"])
        #expect(mine.first?.nextSession?.session.id == next && mine.first?.held == 1)
        let reports = try f.mindbeat.members(f.actor("cy"))
        #expect(reports.map(\.account.email) == ["bo@example.com"])
        #expect(reports.first?.nextSession?.access == .lineManager)
        #expect(throws: MindbeatError.self) { try f.mindbeat.members(f.actor("bo")) }
    }
}

@Suite("Accounts and logins")
struct AccountTests {
    @Test func initialisingTwiceIsRefused() throws {
        let f = try Fixture()
        let error = try f.expectUnchanged { _ = try f.mindbeat.initialise(name: "X", email: "x@example.com", passwordHash: "x") }
        #expect(error?.reasonIDs == ["already_initialised"])
    }

    @Test func wrongEmailAndWrongPasswordFailAlike() throws {
        let f = try Fixture()
        let hash = try Secrets.hashPassword("correct horse")
        try f.mindbeat.store.write { try $0.setPassword(accountID: 1, hash: hash, mustChange: false) }
        #expect(throws: MindbeatError.wrongCredentials) { try f.mindbeat.login(email: "ann@example.com", password: "wrong horse") }
        #expect(throws: MindbeatError.wrongCredentials) { try f.mindbeat.login(email: "nobody@example.com", password: "correct horse") }
        let (account, token) = try f.mindbeat.login(email: "ANN@example.com", password: "correct horse")
        #expect(account.email == "ann@example.com")
        #expect(try f.mindbeat.authenticate(.token(token)).account.id == account.id)
    }

    @Test func tokensAreStoredOnlyAsHashes() throws {
        let f = try Fixture()
        let stored = try f.database.rows("SELECT hash FROM login_tokens").compactMap { $0.blob(0) }
        for token in f.tokens.values {
            #expect(stored.contains(Secrets.tokenHash(token)))
            #expect(!stored.contains(Array(token.utf8)))
        }
    }

    @Test func loginsExpireAfterThirtyDays() throws {
        let f = try Fixture()
        f.clock.instant = at("2026-12-31T07:59:59Z")
        #expect(try f.mindbeat.whoami(f.actor("bo")).account.email == "bo@example.com")
        f.clock.instant = at("2026-12-31T08:00:00Z")
        #expect(throws: MindbeatError.loginExpired) { try f.mindbeat.whoami(f.actor("bo")) }
    }

    @Test func logoutRevokesTheToken() throws {
        let f = try Fixture()
        _ = try f.mindbeat.logout(f.actor("bo"))
        #expect(throws: MindbeatError.loginExpired) { try f.mindbeat.whoami(f.actor("bo")) }
        #expect(throws: MindbeatError.notLoggedIn) { try f.mindbeat.authenticate(.token("mbt_unknown")) }
        #expect(throws: MindbeatError.notLoggedIn) { try f.mindbeat.authenticate(.token("")) }
    }

    /// Ann's password set to a real hash, for the tests that verify one.
    static func withPassword(_ f: Fixture, _ password: String = "ann-current-pw", for id: Int64 = 1) throws {
        let hash = try Secrets.hashPassword(password)
        try f.mindbeat.store.write { try $0.setPassword(accountID: id, hash: hash, mustChange: false) }
    }

    @Test func changingThePasswordNeedsTheCurrentOneAndRevokesOtherLogins() throws {
        let f = try Fixture()
        try Self.withPassword(f)
        let other = try Secrets.newToken()
        try f.mindbeat.store.write { try f.mindbeat.issue(other, to: 1, $0) }
        // A stolen login without the password changes nothing.
        let error = try f.expectUnchanged { _ = try f.mindbeat.changePassword(f.actor("ann"), current: "guessed-wrong", new: "a brand new one") }
        #expect(error == .wrongCurrentPassword)
        _ = try f.mindbeat.changePassword(f.actor("ann"), current: "ann-current-pw", new: "a brand new one")
        #expect(try f.mindbeat.whoami(f.actor("ann")).account.id == 1)
        #expect(throws: MindbeatError.loginExpired) { try f.mindbeat.authenticate(.token(other)) }
        #expect(throws: MindbeatError.wrongCredentials) { try f.mindbeat.login(email: "ann@example.com", password: "ann-current-pw") }
        _ = try f.mindbeat.login(email: "ann@example.com", password: "a brand new one")
    }

    @Test func aNewPasswordMayNotHoldTheAccountsNameOrBeTheSame() throws {
        let f = try Fixture()
        try Self.withPassword(f)
        for bad in ["ann-current-pw", "ANN-Current-PW", "my-coach-pw-9", "xxANNxxCOACHxx"] {
            let error = try f.expectUnchanged { _ = try f.mindbeat.changePassword(f.actor("ann"), current: "ann-current-pw", new: bad) }
            if case .unacceptablePassword = error {} else { Issue.record("\(bad): \(String(describing: error))") }
        }
    }

    @Test func onlyAnAdminResetsAndNobodyElseLearnsWhichAccountsExist() throws {
        let f = try Fixture()
        for email in ["bo@example.com", "nobody@example.com"] {
            let error = try f.expectUnchanged { _ = try f.mindbeat.resetPassword(f.actor("di"), email: email, oneTimePassword: "one-time-pw-1") }
            #expect(error == .forbidden(.needsAdmin(.resetPasswords)))
        }
        let error = try f.expectUnchanged { _ = try f.mindbeat.resetPassword(f.actor("ann"), email: "nobody@example.com", oneTimePassword: "one-time-pw-1") }
        #expect(error == .notFound(.account("nobody@example.com")))
        let personal = try f.expectUnchanged { _ = try f.mindbeat.resetPassword(f.actor("ann"), email: "bo@example.com", oneTimePassword: "member-bo-2026") }
        if case .unacceptablePassword = personal {} else { Issue.record("\(String(describing: personal))") }
    }

    /// A reset is a takeover an admin can make: it revokes every login, makes
    /// the owner choose their own password, tells them at once, and shows.
    @Test func aResetRevokesLoginsForcesAChangeAndNeverHappensSilently() throws {
        let f = try Fixture()
        let bo = try f.actor("bo")
        f.clock.set("2026-12-01T08:30:00Z")
        let reset = try f.mindbeat.resetPassword(f.actor("ann"), email: "bo@example.com", oneTimePassword: "one-time-pw-1")
        #expect(reset.mustChangePassword)
        #expect(throws: MindbeatError.loginExpired) { try f.mindbeat.whoami(bo) }
        let notices = try f.mindbeat.outbox(f.actor("ann"))
        #expect(notices.map { "\($0.kind.rawValue) \($0.recipient.email) \($0.dueAt.rfc3339) \($0.sessionID == nil)" }
                == ["account bo@example.com 2026-12-01T08:30:00Z true"])

        // The next password login may look, log out and change the password; nothing else.
        let (_, token) = try f.mindbeat.login(email: "bo@example.com", password: "one-time-pw-1")
        let signedIn = try f.mindbeat.authenticate(.token(token))
        #expect(throws: MindbeatError.mustChangePassword) { try f.mindbeat.sessions(signedIn, scope: .upcoming) }
        #expect(throws: MindbeatError.mustChangePassword) { try f.mindbeat.notes(signedIn) }
        let (me, takeovers, _) = try f.mindbeat.whoami(signedIn)
        #expect(me.mustChangePassword)
        #expect(takeovers == [Takeover(at: at("2026-12-01T08:30:00Z"), by: Person(id: 1, email: "ann@example.com", name: "Ann Coach"), kind: .passwordReset)])
        _ = try f.mindbeat.changePassword(signedIn, current: "one-time-pw-1", new: "my own choice 7")
        #expect(try f.mindbeat.sessions(signedIn, scope: .upcoming).isEmpty)
        #expect(try f.mindbeat.whoami(signedIn).account.mustChangePassword == false)
        // The record of the takeover stays.
        #expect(try f.mindbeat.whoami(signedIn).takeovers.map(\.by.email) == ["ann@example.com"])
    }

    @Test func theDecoyHashCostsOneVerificationAndMatchesNothing() throws {
        let real = try Secrets.hashPassword("correct horse")
        let decoy = Secrets.decoyHash
        // The same algorithm and limits: everything up to the salt.
        let prefix = { (hash: String) in hash.split(separator: "$").prefix(3).joined(separator: "$") }
        #expect(prefix(decoy) == prefix(real))
        #expect(decoy.split(separator: "$").count == real.split(separator: "$").count)
        #expect(!Secrets.verifyPassword("correct horse", hash: decoy))
        #expect(!Secrets.verifyPassword("", hash: decoy))
        // Verifying against it is as slow as against a real hash: within a
        // factor of 2 in the median of 5 (the end-to-end test holds 10%).
        func median(_ hash: String) -> Double {
            var times: [Double] = []
            for _ in 0..<5 {
                let start = monotonicSeconds()
                _ = Secrets.verifyPassword("wrong horse", hash: hash)
                times.append(monotonicSeconds() - start)
            }
            return times.sorted()[2]
        }
        let decoyTime = median(decoy), realTime = median(real)
        #expect(decoyTime * 2 > realTime && realTime * 2 > decoyTime, "decoy \(decoyTime) s, real \(realTime) s")
    }

    @Test func passwordsAreArgon2idAndVerify() throws {
        let hash = try Secrets.hashPassword("correct horse")
        #expect(hash.hasPrefix("$argon2id$"))
        #expect(Secrets.verifyPassword("correct horse", hash: hash))
        #expect(!Secrets.verifyPassword("correct hors", hash: hash))
        #expect(throws: InvalidValue.self) { try Secrets.validatePassword("short") }
    }

    @Test func aCoachAddsMembersOfTheirOwnOnly() throws {
        let f = try Fixture()
        _ = try f.mindbeat.addAccount(f.actor("di"), NewAccount(role: .member, name: "Gus", email: "gus@example.com"), passwordHash: "x")
        let (gus, di) = try f.mindbeat.store.read { tx in (try tx.account(email: "gus@example.com"), try tx.account(email: "di@example.com")) }
        #expect(gus?.coachID == di?.id)
        var error = try f.expectUnchanged {
            _ = try f.mindbeat.addAccount(f.actor("di"), NewAccount(role: .coach, name: "Hal", email: "hal@example.com"), passwordHash: "x")
        }
        #expect(error?.isForbidden == true)
        error = try f.expectUnchanged {
            _ = try f.mindbeat.addAccount(f.actor("di"), NewAccount(role: .member, name: "Hal", email: "hal@example.com", coachEmail: "ann@example.com"), passwordHash: "x")
        }
        #expect(error?.isForbidden == true)
        error = try f.expectUnchanged {
            _ = try f.mindbeat.addAccount(f.actor("bo"), NewAccount(role: .member, name: "Hal", email: "hal@example.com"), passwordHash: "x")
        }
        #expect(error?.isForbidden == true)
    }

    @Test func emailsAreUniqueIgnoringCase() throws {
        let f = try Fixture()
        let error = try f.expectUnchanged {
            _ = try f.mindbeat.addAccount(f.actor("ann"), NewAccount(role: .member, name: "B", email: "BO@example.com"), passwordHash: "x")
        }
        #expect(error?.reasonIDs == ["email_taken"])
    }

    @Test func onlyAdminsListAccounts() throws {
        let f = try Fixture()
        #expect(try f.mindbeat.listAccounts(f.actor("ann"), role: .coach).map(\.email) == ["ann@example.com", "di@example.com"])
        #expect(throws: MindbeatError.self) { try f.mindbeat.listAccounts(f.actor("di"), role: nil) }
    }

    @Test func profileUpdatesAndClears() throws {
        let f = try Fixture()
        var account = try f.mindbeat.profile(f.actor("ann"), phone: .some("+1 555 0100"), zoom: .some("https://zoom.example/j/9"))
        #expect(account.phone == "+1 555 0100" && account.zoom == "https://zoom.example/j/9")
        account = try f.mindbeat.profile(f.actor("ann"), phone: .some(nil))
        #expect(account.phone == nil && account.zoom == "https://zoom.example/j/9")
    }
}

@Suite("Signing in")
struct SignInTests {
    @Test func aLoginRevokedAfterSigningInStopsTheCommandThere() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        let ann = try f.actor("ann")
        // Another process logs Ann out (or changes her password) between her
        // command's sign-in and its transaction.
        _ = try f.mindbeat.logout(try f.actor("ann"))
        let write = try f.expectUnchanged {
            _ = try f.mindbeat.addNote(ann, place: .session(id), visibility: .private, body: "after the logout")
        }
        #expect(write == .loginExpired)
        #expect(throws: MindbeatError.loginExpired) { try f.mindbeat.sessions(ann, scope: .all) }
    }

    @Test func aLoginThatExpiresAfterSigningInStopsTheCommandThere() throws {
        let f = try Fixture()
        let bo = try f.actor("bo")
        f.clock.set("2026-12-31T08:00:00Z")
        #expect(throws: MindbeatError.loginExpired) { try f.mindbeat.whoami(bo) }
    }

    @Test func aCoachCannotTellWhetherAnotherAccountExistsThroughCoachOrManager() throws {
        let f = try Fixture()
        // Di (a coach, no admin right) names other coaches and managers.
        let existing = try f.expectUnchanged {
            _ = try f.mindbeat.schedule(f.actor("di"), startsAt: at("2026-12-01T09:00:00Z"), memberEmail: "ed@example.com", coachEmail: "ann@example.com")
        }
        let unknown = try f.expectUnchanged {
            _ = try f.mindbeat.schedule(f.actor("di"), startsAt: at("2026-12-01T09:00:00Z"), memberEmail: "ed@example.com", coachEmail: "nobody@example.com")
        }
        #expect(existing == unknown && existing == .forbidden(.coachForThemselves(.schedule)))
        let addExisting = try f.expectUnchanged {
            _ = try f.mindbeat.addAccount(f.actor("di"), NewAccount(role: .member, name: "X", email: "x@example.com", coachEmail: "ann@example.com"), passwordHash: "x")
        }
        let addUnknown = try f.expectUnchanged {
            _ = try f.mindbeat.addAccount(f.actor("di"), NewAccount(role: .member, name: "X", email: "x@example.com", coachEmail: "nobody@example.com"), passwordHash: "x")
        }
        #expect(addExisting == addUnknown && addExisting == .forbidden(.coachForThemselves(.addAccounts)))
        let notAManager = try f.expectUnchanged {
            _ = try f.mindbeat.addAccount(f.actor("di"), NewAccount(role: .member, name: "X", email: "x@example.com", managerEmail: "bo@example.com"), passwordHash: "x")
        }
        let noManager = try f.expectUnchanged {
            _ = try f.mindbeat.addAccount(f.actor("di"), NewAccount(role: .member, name: "X", email: "x@example.com", managerEmail: "nobody@example.com"), passwordHash: "x")
        }
        #expect(notAManager == .notFound(.manager("bo@example.com")) && noManager == .notFound(.manager("nobody@example.com")))
        _ = try f.mindbeat.addAccount(f.actor("di"), NewAccount(role: .member, name: "X", email: "x@example.com", managerEmail: "cy@example.com"), passwordHash: "x")
    }
}
