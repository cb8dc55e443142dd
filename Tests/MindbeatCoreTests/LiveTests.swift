#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import MindbeatCore

/// SPEC §13 as pure rules: where each `wait` condition stands, what a
/// watcher is told, the running test clock and the values of `--timeout`
/// and `MINDBEAT_CLOCK_RATE`; and the SQLite change feed under them.
@Suite("Watching and waiting")
struct LiveTests {
    // MARK: wait conditions

    @Test func joinsHoldOnceMadeAndNeverOnceClosedWithoutThem() {
        let open = makeSession(status: .inProgress, coachJoined: "2026-12-01T08:55:00Z")
        let now = at("2026-12-01T09:05:00Z")
        #expect(WaitCondition.coachJoined.state(of: open, at: now) == .holds)
        #expect(WaitCondition.memberJoined.state(of: open, at: now) == .pending(recheckAt: nil))
        var missed = open
        missed.status = .missed
        #expect(WaitCondition.memberJoined.state(of: missed, at: now) == .never(.missed))
        // Held with the member there: the join held before the end, and still does.
        var held = open
        held.status = .held
        held.memberJoinedAt = at("2026-12-01T09:01:00Z")
        #expect(WaitCondition.memberJoined.state(of: held, at: now) == .holds)
        #expect(WaitCondition.coachJoined.state(of: makeSession(status: .cancelled), at: now) == .never(.cancelled))
    }

    @Test func startedIsTheScheduledStartToTheSecond() {
        let session = makeSession()
        #expect(WaitCondition.started.state(of: session, at: at("2026-12-01T08:59:59Z")) == .pending(recheckAt: at("2026-12-01T09:00:00Z")))
        #expect(WaitCondition.started.state(of: session, at: at("2026-12-01T09:00:00Z")) == .holds)
        // A cancelled session never starts, even once its time has passed.
        #expect(WaitCondition.started.state(of: makeSession(status: .lateCancelled), at: at("2026-12-01T10:00:00Z")) == .never(.lateCancelled))
        // Ended before its start (the member came early): it will not start.
        let early = makeSession(status: .held, coachJoined: "2026-12-01T08:40:00Z", memberJoined: "2026-12-01T08:41:00Z")
        #expect(WaitCondition.started.state(of: early, at: at("2026-12-01T08:50:00Z")) == .never(.held))
    }

    @Test func heldAllowedFollowsEndHeld() {
        let waiting = makeSession(status: .inProgress, coachJoined: "2026-12-01T08:45:00Z")
        #expect(WaitCondition.heldAllowed.state(of: waiting, at: at("2026-12-01T08:50:00Z")) == .pending(recheckAt: at("2026-12-01T09:00:00Z")))
        #expect(WaitCondition.heldAllowed.state(of: waiting, at: at("2026-12-01T09:00:00Z")) == .holds)
        var joined = waiting
        joined.memberJoinedAt = at("2026-12-01T08:49:00Z")
        #expect(WaitCondition.heldAllowed.state(of: joined, at: at("2026-12-01T08:50:00Z")) == .holds)
        // Nobody has joined: only a change can help, no time is due.
        #expect(WaitCondition.heldAllowed.state(of: makeSession(), at: at("2026-12-01T09:30:00Z")) == .pending(recheckAt: nil))
        var ended = joined
        ended.status = .held
        #expect(WaitCondition.heldAllowed.state(of: ended, at: at("2026-12-01T09:30:00Z")) == .never(.held))
    }

    @Test func missedAllowedWaitsForTheQuarterHourAndTheContact() {
        let contacted = makeSession(status: .inProgress, coachJoined: "2026-12-01T09:00:00Z", lastContact: "2026-12-01T09:06:00Z")
        #expect(WaitCondition.missedAllowed.state(of: contacted, at: at("2026-12-01T09:10:00Z")) == .pending(recheckAt: at("2026-12-01T09:15:00Z")))
        #expect(WaitCondition.missedAllowed.state(of: contacted, at: at("2026-12-01T09:14:59Z")) == .pending(recheckAt: at("2026-12-01T09:15:00Z")))
        #expect(WaitCondition.missedAllowed.state(of: contacted, at: at("2026-12-01T09:15:00Z")) == .holds)
        // Past the quarter hour with no contact: time alone will not do it.
        let silent = makeSession(status: .inProgress, coachJoined: "2026-12-01T09:00:00Z")
        #expect(WaitCondition.missedAllowed.state(of: silent, at: at("2026-12-01T09:20:00Z")) == .pending(recheckAt: nil))
        // The member joined: never, although the session is still open.
        var joined = contacted
        joined.memberJoinedAt = at("2026-12-01T09:12:00Z")
        #expect(WaitCondition.missedAllowed.state(of: joined, at: at("2026-12-01T09:20:00Z")) == .never(.inProgress))
    }

    @Test func endedHoldsForHeldAndMissedAndNeverForACancellation() {
        #expect(WaitCondition.ended.state(of: makeSession(status: .held), at: at("2026-12-01T10:00:00Z")) == .holds)
        #expect(WaitCondition.ended.state(of: makeSession(status: .missed), at: at("2026-12-01T10:00:00Z")) == .holds)
        #expect(WaitCondition.ended.state(of: makeSession(status: .cancelled), at: at("2026-12-01T10:00:00Z")) == .never(.cancelled))
        #expect(WaitCondition.ended.state(of: makeSession(status: .inProgress, coachJoined: "2026-12-01T09:00:00Z"), at: at("2026-12-01T12:00:00Z"))
                == .pending(recheckAt: nil))
    }

    @Test func everyConditionHasTheWordTheCommandLineTakes() {
        #expect(WaitCondition.words == ["coach-joined", "member-joined", "started", "held-allowed", "missed-allowed", "ended"])
    }

    // MARK: what a watcher is told

    private func report(_ session: Session, _ party: Party = .coach, at now: String) -> StatusReport {
        StatusReport(view: SessionView(session: session, access: .party(party)), at: at(now),
                     next: SessionProtocol.next(session, party: party, now: at(now)).map { (action: $0.0, decision: $0.1) })
    }

    @Test func aWatcherIsToldOfJoinsContactsSwitchesWhatBecameAllowedAndTheEnd() {
        let before = makeSession(status: .inProgress, coachJoined: "2026-12-01T08:55:00Z")
        var after = before
        after.memberJoinedAt = at("2026-12-01T08:58:00Z")
        after.contactAttempts = 1
        after.channel = .zoom
        let events = LiveEvent.between(report(before, at: "2026-12-01T08:57:00Z"), report(after, at: "2026-12-01T08:58:00Z"))
        // The member's join lifts "before the start" for end --held.
        #expect(events == [.memberJoined(at: at("2026-12-01T08:58:00Z")), .contacted(count: 1), .switched(to: .zoom), .allowed(.endHeld)])
        var ended = after
        ended.status = .held
        #expect(LiveEvent.between(report(after, at: "2026-12-01T09:30:00Z"), report(ended, at: "2026-12-01T09:30:00Z")) == [.closed(.held)])
    }

    @Test func theTickingCounterIsNoEventButTimeThatAllowsIsOne() {
        let waiting = makeSession(status: .inProgress, coachJoined: "2026-12-01T09:00:00Z", lastContact: "2026-12-01T09:06:00Z")
        let first = report(waiting, at: "2026-12-01T09:10:00Z")
        #expect(LiveEvent.between(first, first.at(at("2026-12-01T09:14:59Z"))).isEmpty)
        #expect(first.nextChange == at("2026-12-01T09:15:00Z"))
        #expect(LiveEvent.between(first, first.at(at("2026-12-01T09:15:00Z"))) == [.allowed(.endMissed)])
        #expect(first.at(at("2026-12-01T09:15:00Z")).nextChange == nil)
    }

    @Test func bothJoinsComeInTheOrderTheyHappenedAndAMoveIsTold() {
        let before = makeSession()
        var after = before
        after.status = .inProgress
        after.memberJoinedAt = at("2026-12-01T08:40:00Z")
        after.coachJoinedAt = at("2026-12-01T08:45:00Z")
        let events = LiveEvent.between(report(before, .member, at: "2026-12-01T08:46:00Z"), report(after, .member, at: "2026-12-01T08:46:00Z"))
        #expect(Array(events.prefix(2)) == [.memberJoined(at: at("2026-12-01T08:40:00Z")), .coachJoined(at: at("2026-12-01T08:45:00Z"))])
        let moved = makeSession(starts: "2026-12-02T09:00:00Z")
        #expect(LiveEvent.between(report(before, at: "2026-12-01T08:00:00Z"), report(moved, at: "2026-12-01T08:00:00Z"))
                == [.moved(startsAt: at("2026-12-02T09:00:00Z"))])
    }

    @Test func theBellRingsForTheOtherPartyAndForEndingOnly() {
        #expect(LiveEvent.memberJoined(at: at("2026-12-01T09:00:00Z")).rings(for: .coach))
        #expect(!LiveEvent.memberJoined(at: at("2026-12-01T09:00:00Z")).rings(for: .member))
        #expect(LiveEvent.coachJoined(at: at("2026-12-01T09:00:00Z")).rings(for: .member))
        #expect(LiveEvent.allowed(.endMissed).rings(for: .coach) && LiveEvent.allowed(.endHeld).rings(for: .coach))
        #expect(!LiveEvent.allowed(.attend).rings(for: .coach) && !LiveEvent.contacted(count: 1).rings(for: .coach))
        // Once for each: held allowed at the start does not silence missed allowed later.
        #expect(LiveEvent.allowed(.endHeld).bell(for: .coach) != LiveEvent.allowed(.endMissed).bell(for: .coach))
    }

    // MARK: the running clock and the values

    final class FakeElapsed: @unchecked Sendable {
        var seconds = 0.0
    }

    @Test func aRunningClockStartsAtItsInstantAndRunsAtItsRate() {
        let real = FakeElapsed()
        let clock = RunningClock(start: at("2026-12-01T09:00:00Z"), rate: 600) { real.seconds }
        #expect(clock.now() == at("2026-12-01T09:00:00Z"))
        real.seconds = 1.5
        #expect(clock.now() == at("2026-12-01T09:15:00Z"))
        // Ten minutes on from here are a real second away.
        #expect(abs((clock.realSeconds(until: at("2026-12-01T09:25:00Z")) ?? -1) - 1.0) < 1e-9)
        #expect((clock.realSeconds(until: at("2026-12-01T09:00:00Z")) ?? 1) < 0)
        // It never runs past the last instant mindbeat supports.
        real.seconds = 1e12
        #expect(clock.now() == Instant(secondsSinceEpoch: Instant.validRange.upperBound))
        // A stopped clock never gets to a later instant.
        #expect(FixedClock(at("2026-12-01T09:00:00Z")).realSeconds(until: at("2026-12-01T09:00:01Z")) == nil)
        #expect(FixedClock(at("2026-12-01T09:00:00Z")).realSeconds(until: at("2026-12-01T09:00:00Z")) == 0)
    }

    @Test func clockRatesArePositiveDecimalNumbers() throws {
        #expect(try RunningClock.rate("60") == 60)
        #expect(try RunningClock.rate("0.5") == 0.5)
        #expect(try RunningClock.rate("1000000") == 1_000_000)
        #expect(try RunningClock.rate("0.000000001") > 0)
        for bad in ["", "0", "0.0", "-1", "+5", "1e3", "inf", "nan", " 60", "60 ", "1.", ".5", "1000001", "٣", "0x10", "1,5", "0.0000000001"] {
            #expect(throws: InvalidValue.self, "\(bad.debugDescription)") { try RunningClock.rate(bad) }
        }
    }

    @Test func durationsAreWholeUnitsLargestFirst() throws {
        #expect(try TimeInput.duration("90s") == 90)
        #expect(try TimeInput.duration("15m") == 900)
        #expect(try TimeInput.duration("2h") == 7200)
        #expect(try TimeInput.duration("1h30m") == 5400)
        #expect(try TimeInput.duration("1d2h3m4s") == 93_784)
        #expect(try TimeInput.duration("0s") == 0)
        #expect(try TimeInput.duration("31d") == Policy.longestWaitSeconds)
        for bad in ["", "15", "m", "15x", "1m1h", "1h1h", "-5m", "+5m", "1.5h", "15 m", "32d", "999999999999s", "5M"] {
            #expect(throws: InvalidValue.self, "\(bad.debugDescription)") { try TimeInput.duration(bad) }
        }
    }

    // MARK: the SQLite change feed

    @Test func theFeedSeesAnotherConnectionsCommitAndSleepsOtherwise() throws {
        let fixture = try Fixture()
        let feed = try fixture.mindbeat.store.changes()
        var started = monotonicSeconds()
        #expect(try feed.wait(milliseconds: 250, hangUp: nil) == .timedOut)
        #expect(monotonicSeconds() - started >= 0.24)
        // Another connection (another process, as far as SQLite can tell) commits.
        let other = Mindbeat(store: try Stores.open(fixture.path), clock: fixture.clock, zone: FixedOffsetZone.utc)
        _ = try other.schedule(try other.authenticate(.token(fixture.tokens["ann"] ?? "")), startsAt: at("2026-12-01T09:00:00Z"),
                               memberEmail: "bo@example.com", coachEmail: nil, durationMinutes: 60)
        started = monotonicSeconds()
        #expect(try feed.wait(milliseconds: 5000, hangUp: nil) == .changed)
        #expect(monotonicSeconds() - started < 1)
        // Reported once: the next wait sleeps again.
        #expect(try feed.wait(milliseconds: 0, hangUp: nil) == .timedOut)
    }

    @Test func theFeedWakesWhenTheReaderOfTheOutputGoesAway() throws {
        let fixture = try Fixture()
        let feed = try fixture.mindbeat.store.changes()
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[1]) }
        close(ends[0])
        #expect(try feed.wait(milliseconds: 5000, hangUp: ends[1]) == .hungUp)
    }
}
