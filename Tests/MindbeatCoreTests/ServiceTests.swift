import Testing
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
        let result = try f.mindbeat.attend(token: f.token("ann"), id: id)
        #expect(result.joinedNow && result.joinedEarly && result.party == .coach)
        let session = try f.session(id)
        #expect(session.status == .inProgress)
        #expect(session.coachJoinedAt == at("2026-12-01T08:50:00Z"))
    }

    @Test func attendingAgainKeepsTheFirstJoinTime() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:01:00Z")
        _ = try f.mindbeat.attend(token: f.token("bo"), id: id)
        f.clock.set("2026-12-01T09:07:00Z")
        let again = try f.mindbeat.attend(token: f.token("bo"), id: id)
        #expect(!again.joinedNow)
        #expect(try f.session(id).memberJoinedAt == at("2026-12-01T09:01:00Z"))
    }

    @Test func attendTooEarlyIsRefusedAndWritesNothing() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T08:29:00Z")
        let error = try f.expectUnchanged { _ = try f.mindbeat.attend(token: f.token("ann"), id: id) }
        #expect(error?.reasonIDs == ["too_early"])
        #expect(error?.refusal?.allowedFrom == at("2026-12-01T08:30:00Z"))
    }

    @Test func attendWithoutIDPicksTheOnlySessionOpenNow() throws {
        let f = try Fixture()
        let first = try f.schedule("2026-12-01T09:00:00Z")
        _ = try f.schedule("2026-12-01T14:00:00Z")
        f.clock.set("2026-12-01T08:45:00Z")
        #expect(try f.mindbeat.attend(token: f.token("bo"), id: nil).session.id == first)
    }

    @Test func attendWithoutIDRefusesWhenNoneIsOpen() throws {
        let f = try Fixture()
        _ = try f.schedule("2026-12-01T14:00:00Z")
        let error = try f.expectUnchanged { _ = try f.mindbeat.attend(token: f.token("bo"), id: nil) }
        #expect(error?.reasonIDs == ["nothing_to_attend"])
    }

    @Test func attendWithoutIDRefusesWhenSeveralAreOpen() throws {
        let f = try Fixture()
        _ = try f.schedule("2026-12-01T09:00:00Z", minutes: 20)
        _ = try f.schedule("2026-12-01T09:20:00Z", minutes: 20)
        f.clock.set("2026-12-01T09:05:00Z")
        let error = try f.expectUnchanged { _ = try f.mindbeat.attend(token: f.token("ann"), id: nil) }
        #expect(error?.reasonIDs == ["several_to_attend"])
    }

    // MARK: who may see and do what

    @Test func strangersFindNothing() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        for stranger in ["di", "ed", "fay"] {
            let error = try f.expectUnchanged { _ = try f.mindbeat.attend(token: f.token(stranger), id: id) }
            #expect(error?.isNotFound == true)
            #expect(throws: MindbeatError.notFound("no session \(id)")) { try f.mindbeat.session(token: f.token(stranger), id: id) }
        }
        #expect(throws: MindbeatError.notFound("no session 999")) { try f.mindbeat.session(token: f.token("ann"), id: 999) }
    }

    @Test func aLineManagerSeesAttendanceOnlyAndMayDoNothing() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        #expect(try f.mindbeat.session(token: f.token("cy"), id: id).view.access == .lineManager)
        #expect(try f.mindbeat.sessions(token: f.token("cy"), scope: .all).map(\.access) == [.lineManager])
        f.clock.set("2026-12-01T09:00:00Z")
        var error = try f.expectUnchanged { _ = try f.mindbeat.attend(token: f.token("cy"), id: id) }
        #expect(error?.isForbidden == true)
        _ = try f.mindbeat.attend(token: f.token("ann"), id: id)
        error = try f.expectUnchanged { _ = try f.mindbeat.chat(token: f.token("cy"), id: id) }
        #expect(error?.isForbidden == true)
        error = try f.expectUnchanged { _ = try f.mindbeat.status(token: f.token("cy"), id: id) }
        #expect(error?.isForbidden == true)
        error = try f.expectUnchanged { _ = try f.mindbeat.sendChat(token: f.token("cy"), id: id, text: "hi") }
        #expect(error?.isForbidden == true)
        #expect(try f.mindbeat.session(token: f.token("cy"), id: id).contactAttempts.isEmpty)
    }

    @Test func onlyTheCoachEndsContactsAndSwitches() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(token: f.token("ann"), id: id)
        _ = try f.mindbeat.attend(token: f.token("bo"), id: id)
        var error = try f.expectUnchanged { _ = try f.mindbeat.end(token: f.token("bo"), id: id, held: true) }
        #expect(error?.isForbidden == true)
        error = try f.expectUnchanged { _ = try f.mindbeat.contact(token: f.token("bo"), id: id, via: .email, note: nil) }
        #expect(error?.isForbidden == true)
        error = try f.expectUnchanged { _ = try f.mindbeat.switchChannel(token: f.token("bo"), id: id, to: .phone) }
        #expect(error?.isForbidden == true)
    }

    // MARK: the whole protocol

    @Test func aNoShowEndsAsMissedOnlyAfterContactAndTheWait() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T08:50:00Z")
        _ = try f.mindbeat.attend(token: f.token("ann"), id: id)
        f.clock.set("2026-12-01T08:55:00Z")
        var error = try f.expectUnchanged { _ = try f.mindbeat.end(token: f.token("ann"), id: id, held: false) }
        #expect(error?.reasonIDs == ["waiting_period", "no_contact_attempt"])
        error = try f.expectUnchanged { _ = try f.mindbeat.end(token: f.token("ann"), id: id, held: true) }
        #expect(error?.reasonIDs == ["before_start"])
        f.clock.set("2026-12-01T09:06:00Z")
        _ = try f.mindbeat.contact(token: f.token("ann"), id: id, via: .email, note: "no answer yet")
        f.clock.set("2026-12-01T09:14:00Z")
        error = try f.expectUnchanged { _ = try f.mindbeat.end(token: f.token("ann"), id: id, held: false) }
        #expect(error?.reasonIDs == ["waiting_period"])
        f.clock.set("2026-12-01T09:15:00Z")
        let ended = try f.mindbeat.end(token: f.token("ann"), id: id, held: false)
        #expect(ended.status == .missed && ended.endedAt == at("2026-12-01T09:15:00Z"))
        let elapsed: Int64? = ended.elapsedSeconds(now: at("2026-12-01T12:00:00Z"))
        #expect(elapsed == 1500)
        error = try f.expectUnchanged { _ = try f.mindbeat.end(token: f.token("ann"), id: id, held: true) }
        #expect(error?.reasonIDs == ["session_ended"])
    }

    @Test func aHeldSessionKeepsItsChannel() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(token: f.token("bo"), id: id)
        _ = try f.mindbeat.attend(token: f.token("ann"), id: id)
        let switched = try f.mindbeat.switchChannel(token: f.token("ann"), id: id, to: .phone)
        #expect(switched.detail == "+49 170 1234567")
        f.clock.set("2026-12-01T09:55:00Z")
        let ended = try f.mindbeat.end(token: f.token("ann"), id: id, held: true)
        #expect(ended.status == .held && ended.channel == .phone)
        #expect(try f.session(id).channel == .phone)
    }

    @Test func contactByEmailQueuesAReminderInTheSameTransaction() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(token: f.token("ann"), id: id)
        f.clock.set("2026-12-01T09:05:00Z")
        _ = try f.mindbeat.contact(token: f.token("ann"), id: id, via: .email, note: nil)
        let rows = try f.mindbeat.store.database.rows("SELECT kind, due_at, status, recipient_id FROM notices")
        #expect(rows.count == 1)
        #expect(rows.first?.text(0) == "reminder")
        #expect(rows.first?.integer(1) == at("2026-12-01T09:05:00Z").secondsSinceEpoch)
        #expect(try f.session(id).contactAttempts == 1)
    }

    @Test func contactBeforeJoiningIsRefusedAndQueuesNothing() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:06:00Z")
        let error = try f.expectUnchanged { _ = try f.mindbeat.contact(token: f.token("ann"), id: id, via: .email, note: nil) }
        #expect(error?.reasonIDs == ["coach_not_joined"])
    }

    @Test func contactByChatPostsTheNoteIntoTheChat() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:06:00Z")
        _ = try f.mindbeat.attend(token: f.token("ann"), id: id)
        _ = try f.mindbeat.contact(token: f.token("ann"), id: id, via: .chat, note: nil)
        _ = try f.mindbeat.contact(token: f.token("ann"), id: id, via: .chat, note: "I am here, Bo")
        let chat = try f.mindbeat.chat(token: f.token("bo"), id: id).map(\.text)
        #expect(chat == [Mindbeat.waitingLine(coach: "Ann Coach"), "I am here, Bo"])
    }

    @Test func contactNotesStayWithTheCoach() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:06:00Z")
        _ = try f.mindbeat.attend(token: f.token("ann"), id: id)
        _ = try f.mindbeat.contact(token: f.token("ann"), id: id, via: .phone, note: "left voicemail")
        #expect(try f.mindbeat.session(token: f.token("ann"), id: id).contactAttempts.map(\.note) == ["left voicemail"])
        #expect(try f.mindbeat.session(token: f.token("bo"), id: id).contactAttempts.isEmpty)
        #expect(try f.mindbeat.chat(token: f.token("bo"), id: id).isEmpty)
    }

    @Test func switchToZoomPostsTheLink() throws {
        let f = try Fixture()
        let id = try f.mindbeat.schedule(token: f.token("di"), startsAt: at("2026-12-01T09:00:00Z"), memberEmail: "ed@example.com", coachEmail: nil, durationMinutes: 60)
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(token: f.token("di"), id: id)
        let result = try f.mindbeat.switchChannel(token: f.token("di"), id: id, to: .zoom)
        #expect(result.detail == "https://zoom.example/j/1")
        #expect(try f.mindbeat.chat(token: f.token("ed"), id: id).map(\.text) == ["Let's continue on Zoom: https://zoom.example/j/1"])
        #expect(try f.session(id).channel == .zoom)
    }

    @Test func switchToZoomWithoutALinkIsRefused() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(token: f.token("ann"), id: id)
        let error = try f.expectUnchanged { _ = try f.mindbeat.switchChannel(token: f.token("ann"), id: id, to: .zoom) }
        #expect(error?.reasonIDs == ["no_zoom_link"])
    }

    @Test func chatBeforeAnyoneAttendsIsRefused() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        let error = try f.expectUnchanged { try f.mindbeat.sendChat(token: f.token("bo"), id: id, text: "hello") }
        #expect(error?.reasonIDs == ["not_in_progress"])
    }

    // MARK: scheduling

    @Test func schedulingInThePastIsRefused() throws {
        let f = try Fixture(now: "2026-12-01T10:00:00Z")
        let error = try f.expectUnchanged { _ = try f.schedule("2026-12-01T09:59:00Z") }
        #expect(error?.reasonIDs == ["starts_in_past"])
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
        _ = try f.mindbeat.attend(token: f.token("bo"), id: id)
        _ = try f.mindbeat.attend(token: f.token("ann"), id: id)
        _ = try f.mindbeat.end(token: f.token("ann"), id: id, held: true)
        _ = try f.schedule("2026-12-01T09:30:00Z", member: "fay@example.com")
    }

    @Test func aCoachSchedulesOnlyWithTheirOwnMembers() throws {
        let f = try Fixture()
        let error = try f.expectUnchanged { _ = try f.schedule("2026-12-01T09:00:00Z", member: "ed@example.com", by: "ann") }
        #expect(error?.reasonIDs == ["not_their_coach"])
    }

    @Test func aMemberSchedulesWithTheirCoach() throws {
        let f = try Fixture()
        let id = try f.mindbeat.schedule(token: f.token("bo"), startsAt: at("2026-12-01T09:00:00Z"), memberEmail: nil, coachEmail: nil, durationMinutes: 30)
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
        _ = try f.mindbeat.attend(token: f.token("bo"), id: early)
        _ = try f.mindbeat.attend(token: f.token("ann"), id: early)
        #expect(try f.mindbeat.sessions(token: f.token("ann"), scope: .upcoming).map(\.session.id) == [early, late])
        _ = try f.mindbeat.end(token: f.token("ann"), id: early, held: true)
        #expect(try f.mindbeat.sessions(token: f.token("ann"), scope: .upcoming).map(\.session.id) == [late])
        #expect(try f.mindbeat.sessions(token: f.token("ann"), scope: .past).map(\.session.id) == [early])
        #expect(try f.mindbeat.sessions(token: f.token("ann"), scope: .all, from: at("2026-12-02T00:00:00Z")).map(\.session.id) == [late])
        #expect(try f.mindbeat.sessions(token: f.token("ann"), scope: .all, to: at("2026-12-03T09:00:00Z")).map(\.session.id) == [early])
        #expect(try f.mindbeat.sessions(token: f.token("di"), scope: .all).isEmpty)
        #expect(throws: MindbeatError.notFound("no member ed@example.com of yours")) {
            try f.mindbeat.sessions(token: f.token("ann"), scope: .all, memberEmail: "ed@example.com")
        }
    }

    @Test func membersShowsNextSessionAndCounts() throws {
        let f = try Fixture()
        let id = try f.schedule("2026-12-01T09:00:00Z")
        let next = try f.schedule("2026-12-08T09:00:00Z")
        f.clock.set("2026-12-01T09:00:00Z")
        _ = try f.mindbeat.attend(token: f.token("bo"), id: id)
        _ = try f.mindbeat.attend(token: f.token("ann"), id: id)
        _ = try f.mindbeat.end(token: f.token("ann"), id: id, held: true)
        let mine = try f.mindbeat.members(token: f.token("ann"))
        #expect(mine.map(\.account.email) == ["bo@example.com", "fay@example.com"])
        #expect(mine.first?.nextSession?.session.id == next && mine.first?.held == 1)
        let reports = try f.mindbeat.members(token: f.token("cy"))
        #expect(reports.map(\.account.email) == ["bo@example.com"])
        #expect(reports.first?.nextSession?.access == .lineManager)
        #expect(throws: MindbeatError.self) { try f.mindbeat.members(token: f.token("bo")) }
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
        try f.mindbeat.store.updatePassword(accountID: 1, hash: hash)
        #expect(throws: MindbeatError.wrongCredentials) { try f.mindbeat.login(email: "ann@example.com", password: "wrong horse") }
        #expect(throws: MindbeatError.wrongCredentials) { try f.mindbeat.login(email: "nobody@example.com", password: "correct horse") }
        let (account, token) = try f.mindbeat.login(email: "ANN@example.com", password: "correct horse")
        #expect(account.email == "ann@example.com")
        #expect(try f.mindbeat.whoami(token: token).id == account.id)
    }

    @Test func tokensAreStoredOnlyAsHashes() throws {
        let f = try Fixture()
        let stored = try f.mindbeat.store.database.rows("SELECT hash FROM login_tokens").compactMap { $0.blob(0) }
        for token in f.tokens.values {
            #expect(stored.contains(Secrets.tokenHash(token)))
            #expect(!stored.contains(Array(token.utf8)))
        }
    }

    @Test func loginsExpireAfterThirtyDays() throws {
        let f = try Fixture()
        f.clock.instant = at("2026-12-31T07:59:59Z")
        #expect(try f.mindbeat.whoami(token: f.token("bo")).email == "bo@example.com")
        f.clock.instant = at("2026-12-31T08:00:00Z")
        #expect(throws: MindbeatError.loginExpired) { try f.mindbeat.whoami(token: f.token("bo")) }
    }

    @Test func logoutRevokesTheToken() throws {
        let f = try Fixture()
        _ = try f.mindbeat.logout(token: f.token("bo"))
        #expect(throws: MindbeatError.loginExpired) { try f.mindbeat.whoami(token: f.token("bo")) }
        #expect(throws: MindbeatError.notLoggedIn) { try f.mindbeat.whoami(token: "mbt_unknown") }
        #expect(throws: MindbeatError.notLoggedIn) { try f.mindbeat.whoami(token: nil) }
    }

    @Test func changingThePasswordRevokesOtherLogins() throws {
        let f = try Fixture()
        let other = try Secrets.newToken()
        try f.mindbeat.store.database.write { _ in try f.mindbeat.issue(other, to: 1) }
        _ = try f.mindbeat.changePassword(token: f.token("ann"), passwordHash: try Secrets.hashPassword("new password"))
        #expect(try f.mindbeat.whoami(token: f.token("ann")).id == 1)
        #expect(throws: MindbeatError.loginExpired) { try f.mindbeat.whoami(token: other) }
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
        _ = try f.mindbeat.addAccount(token: f.token("di"), NewAccount(role: .member, name: "Gus", email: "gus@example.com"), passwordHash: "x")
        #expect(try f.mindbeat.store.account(email: "gus@example.com")?.coachID == f.mindbeat.store.account(email: "di@example.com")?.id)
        var error = try f.expectUnchanged {
            _ = try f.mindbeat.addAccount(token: f.token("di"), NewAccount(role: .coach, name: "Hal", email: "hal@example.com"), passwordHash: "x")
        }
        #expect(error?.isForbidden == true)
        error = try f.expectUnchanged {
            _ = try f.mindbeat.addAccount(token: f.token("di"), NewAccount(role: .member, name: "Hal", email: "hal@example.com", coachEmail: "ann@example.com"), passwordHash: "x")
        }
        #expect(error?.isForbidden == true)
        error = try f.expectUnchanged {
            _ = try f.mindbeat.addAccount(token: f.token("bo"), NewAccount(role: .member, name: "Hal", email: "hal@example.com"), passwordHash: "x")
        }
        #expect(error?.isForbidden == true)
    }

    @Test func emailsAreUniqueIgnoringCase() throws {
        let f = try Fixture()
        let error = try f.expectUnchanged {
            _ = try f.mindbeat.addAccount(token: f.token("ann"), NewAccount(role: .member, name: "B", email: "BO@example.com"), passwordHash: "x")
        }
        #expect(error?.reasonIDs == ["email_taken"])
    }

    @Test func onlyAdminsListAccounts() throws {
        let f = try Fixture()
        #expect(try f.mindbeat.listAccounts(token: f.token("ann"), role: .coach).map(\.email) == ["ann@example.com", "di@example.com"])
        #expect(throws: MindbeatError.self) { try f.mindbeat.listAccounts(token: f.token("di"), role: nil) }
    }

    @Test func profileUpdatesAndClears() throws {
        let f = try Fixture()
        var account = try f.mindbeat.profile(token: f.token("ann"), phone: .some("+1 555 0100"), zoom: .some("https://zoom.example/j/9"))
        #expect(account.phone == "+1 555 0100" && account.zoom == "https://zoom.example/j/9")
        account = try f.mindbeat.profile(token: f.token("ann"), phone: .some(nil))
        #expect(account.phone == nil && account.zoom == "https://zoom.example/j/9")
    }
}
