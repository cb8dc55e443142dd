import Testing
import TestSupport
@testable import MindbeatCore

/// The rules of SPEC §2 as pure decisions: one test per rule and per refusal.
@Suite("The session protocol")
struct SessionProtocolTests {
    // MARK: attend

    @Test func attendOpensThirtyMinutesBeforeTheStart() {
        let session = makeSession()
        let early = SessionProtocol.attend(session, now: at("2026-12-01T08:29:59Z"))
        #expect(early.reasons == [.tooEarlyToAttend(from: at("2026-12-01T08:30:00Z"))])
        #expect(early.allowedFrom == at("2026-12-01T08:30:00Z"))
        #expect(SessionProtocol.attend(session, now: at("2026-12-01T08:30:00Z")).isAllowed)
    }

    @Test func attendIsRefusedOnceEnded() {
        for status in [SessionStatus.held, .missed] {
            let decision = SessionProtocol.attend(makeSession(status: status), now: at("2026-12-01T09:30:00Z"))
            #expect(decision.reasons == [.sessionEnded(status)])
            #expect(decision.allowedFrom == nil)
        }
    }

    @Test func attendStaysOpenWhileOverdue() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T09:00:00Z")
        #expect(SessionProtocol.attend(session, now: at("2026-12-01T12:00:00Z")).isAllowed)
        #expect(session.isOverdue(now: at("2026-12-01T10:00:00Z")))
        #expect(!session.isOverdue(now: at("2026-12-01T09:59:59Z")))
    }

    @Test func anEarlyCoachJoinIsFlagged() {
        let session = makeSession()
        #expect(SessionProtocol.joinsEarly(session, party: .coach, now: at("2026-12-01T08:45:00Z")))
        #expect(!SessionProtocol.joinsEarly(session, party: .member, now: at("2026-12-01T08:45:00Z")))
        #expect(!SessionProtocol.joinsEarly(session, party: .coach, now: at("2026-12-01T09:00:00Z")))
    }

    // MARK: the counter

    @Test func counterRunsFromTheCoachJoinUntilTheEnd() {
        var session = makeSession(status: .inProgress, coachJoined: "2026-12-01T08:50:00Z")
        #expect(makeSession().elapsedSeconds(now: at("2026-12-01T09:00:00Z")) == nil)
        #expect(session.elapsedSeconds(now: at("2026-12-01T09:12:04Z")) == 1324)
        session.status = .held
        session.endedAt = at("2026-12-01T09:50:00Z")
        #expect(session.elapsedSeconds(now: at("2026-12-01T11:00:00Z")) == 3600)
    }

    // MARK: chat

    @Test func chatNeedsASessionInProgress() {
        #expect(SessionProtocol.chat(makeSession()).reasons == [.notInProgress(.scheduled)])
        #expect(SessionProtocol.chat(makeSession(status: .held)).reasons == [.notInProgress(.held)])
        #expect(SessionProtocol.chat(makeSession(status: .inProgress, memberJoined: "2026-12-01T09:00:00Z")).isAllowed)
    }

    // MARK: contact

    @Test func contactNeedsTheCoachToHaveJoined() {
        let decision = SessionProtocol.contact(makeSession(), via: .email)
        #expect(decision.reasons == [.coachNotJoined])
    }

    @Test func contactByPhoneNeedsTheMembersNumber() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T09:00:00Z", memberPhone: nil)
        #expect(SessionProtocol.contact(session, via: .phone).reasons == [.noMemberPhone(name: "Bo Member")])
        #expect(SessionProtocol.contact(session, via: .email).isAllowed)
        #expect(SessionProtocol.contact(session, via: .chat).isAllowed)
    }

    @Test func contactIsRefusedOnceEnded() {
        let session = makeSession(status: .missed, coachJoined: "2026-12-01T09:00:00Z")
        #expect(SessionProtocol.contact(session, via: .email).reasons == [.sessionEnded(.missed)])
    }

    // MARK: switch

    @Test func switchToZoomNeedsTheCoachsLink() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T09:00:00Z")
        #expect(SessionProtocol.switchChannel(session, to: .zoom).reasons == [.noZoomLink])
        let linked = makeSession(status: .inProgress, coachJoined: "2026-12-01T09:00:00Z", coachZoom: "https://zoom.example/j/1")
        #expect(SessionProtocol.switchChannel(linked, to: .zoom).isAllowed)
    }

    @Test func switchToPhoneNeedsTheMembersNumber() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T09:00:00Z", memberPhone: nil)
        #expect(SessionProtocol.switchChannel(session, to: .phone).reasons == [.noMemberPhone(name: "Bo Member")])
    }

    @Test func switchNeedsASessionInProgress() {
        #expect(SessionProtocol.switchChannel(makeSession(), to: .platform).reasons == [.notInProgress(.scheduled)])
        #expect(SessionProtocol.switchChannel(makeSession(status: .held), to: .zoom).reasons == [.notInProgress(.held), .noZoomLink])
    }

    // MARK: end --held

    @Test func heldNeedsTheCoachToHaveJoined() {
        let decision = SessionProtocol.endHeld(makeSession(), now: at("2026-12-01T09:30:00Z"))
        #expect(decision.reasons == [.coachNotJoined])
    }

    @Test func anEarlyCoachCannotEndBeforeTheStartAlone() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T08:40:00Z")
        let decision = SessionProtocol.endHeld(session, now: at("2026-12-01T08:50:00Z"))
        #expect(decision.reasons == [.beforeStart(until: at("2026-12-01T09:00:00Z"))])
        #expect(decision.allowedFrom == at("2026-12-01T09:00:00Z"))
        #expect(SessionProtocol.endHeld(session, now: at("2026-12-01T09:00:00Z")).isAllowed)
    }

    @Test func heldBeforeTheStartOnceTheMemberHasJoined() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T08:40:00Z", memberJoined: "2026-12-01T08:45:00Z")
        #expect(SessionProtocol.endHeld(session, now: at("2026-12-01T08:50:00Z")).isAllowed)
    }

    @Test func heldIsRefusedOnceEnded() {
        let session = makeSession(status: .held, coachJoined: "2026-12-01T09:00:00Z")
        #expect(SessionProtocol.endHeld(session, now: at("2026-12-01T10:00:00Z")).reasons == [.sessionEnded(.held)])
    }

    // MARK: end --missed

    @Test func missedAfterWaitingAndContacting() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T08:55:00Z", lastContact: "2026-12-01T09:05:00Z")
        #expect(SessionProtocol.endMissed(session, now: at("2026-12-01T09:15:00Z")).isAllowed)
    }

    @Test func missedNeedsTheFifteenMinuteWaitFromTheStart() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T08:55:00Z", lastContact: "2026-12-01T09:05:00Z")
        let decision = SessionProtocol.endMissed(session, now: at("2026-12-01T09:14:59Z"))
        #expect(decision.reasons == [.waitForMember(until: at("2026-12-01T09:15:00Z"), name: "Bo")])
        #expect(decision.allowedFrom == at("2026-12-01T09:15:00Z"))
    }

    @Test func aLateCoachWaitsFifteenMinutesFromTheirOwnJoin() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T09:20:00Z", lastContact: "2026-12-01T09:21:00Z")
        let decision = SessionProtocol.endMissed(session, now: at("2026-12-01T09:30:00Z"))
        #expect(decision.reasons == [.waitForMember(until: at("2026-12-01T09:35:00Z"), name: "Bo")])
        #expect(SessionProtocol.endMissed(session, now: at("2026-12-01T09:35:00Z")).isAllowed)
    }

    @Test func missedNeedsAContactAttempt() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T08:55:00Z")
        let decision = SessionProtocol.endMissed(session, now: at("2026-12-01T09:20:00Z"))
        #expect(decision.reasons == [.noContactAttempt(from: at("2026-12-01T09:05:00Z"), name: "Bo", sessionID: 12)])
        #expect(decision.allowedFrom == nil)
    }

    @Test func aContactBeforeFiveMinutesAfterTheStartDoesNotCount() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T08:55:00Z", lastContact: "2026-12-01T09:04:59Z")
        let decision = SessionProtocol.endMissed(session, now: at("2026-12-01T09:20:00Z"))
        #expect(decision.reasons.map(\.identifier) == ["no_contact_attempt"])
    }

    @Test func aContactBeforeTheCoachJoinedDoesNotCount() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T09:10:00Z", lastContact: "2026-12-01T09:06:00Z")
        let decision = SessionProtocol.endMissed(session, now: at("2026-12-01T09:30:00Z"))
        #expect(decision.reasons == [.noContactAttempt(from: at("2026-12-01T09:10:00Z"), name: "Bo", sessionID: 12)])
    }

    @Test func missedIsNeverAllowedOnceTheMemberJoined() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T08:55:00Z", memberJoined: "2026-12-01T09:01:00Z",
                                  lastContact: "2026-12-01T09:05:00Z")
        let decision = SessionProtocol.endMissed(session, now: at("2026-12-01T09:30:00Z"))
        #expect(decision.reasons == [.memberJoined(name: "Bo Member")])
        #expect(decision.allowedFrom == nil)
    }

    @Test func missedNamesEveryUnmetCondition() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T08:50:00Z")
        let decision = SessionProtocol.endMissed(session, now: at("2026-12-01T08:55:00Z"))
        #expect(decision.reasons.map(\.identifier) == ["waiting_period", "no_contact_attempt"])
        #expect(decision.allowedFrom == at("2026-12-01T09:15:00Z"))
        let refusal = Refusal(.end(session: 12, as: .missed), decision)
        #expect(refusal.reasons == [
            .waitForMember(until: at("2026-12-01T09:15:00Z"), name: "Bo"),
            .noContactAttempt(from: at("2026-12-01T09:05:00Z"), name: "Bo", sessionID: 12),
        ])
        #expect(refusal.allowedFrom == at("2026-12-01T09:15:00Z"))
    }

    @Test func missedBeforeTheCoachJoins() {
        let decision = SessionProtocol.endMissed(makeSession(), now: at("2026-12-01T09:10:00Z"))
        #expect(decision.reasons.map(\.identifier) == ["coach_not_joined", "waiting_period", "no_contact_attempt"])
    }

    // MARK: what comes next

    @Test func nextListsTheCoachsStepsAndAMembersFewer() {
        let session = makeSession(status: .inProgress, coachJoined: "2026-12-01T08:50:00Z")
        let coach = SessionProtocol.next(session, party: .coach, now: at("2026-12-01T09:00:00Z")).map(\.0)
        #expect(coach == [.chat, .contact, .switchChannel, .endHeld, .endMissed])
        let member = SessionProtocol.next(session, party: .member, now: at("2026-12-01T09:00:00Z")).map(\.0)
        #expect(member == [.attend, .chat])
        #expect(SessionProtocol.next(makeSession(status: .held), party: .coach, now: at("2026-12-01T11:00:00Z")).isEmpty)
    }
}
