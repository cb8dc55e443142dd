import Testing
import TestSupport
@testable import MindbeatCore

@Suite("TIME values")
struct TimeInputTests {
    let now = at("2026-12-01T08:00:00Z")
    let zone = CentralEuropeanZone()

    func parse(_ text: String) throws -> Instant { try TimeInput.parse(text, now: now, zone: zone) }

    func problem(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as InvalidValue {
            return error.problem
        } catch {
            return "\(error)"
        }
    }

    @Test func rfc3339WithZAndOffsets() throws {
        #expect(try parse("2026-12-01T10:00:00Z").rfc3339 == "2026-12-01T10:00:00Z")
        #expect(try parse("2026-12-01T10:00:00+01:00").rfc3339 == "2026-12-01T09:00:00Z")
        #expect(try parse("2026-12-01T10:00:00-05:30").rfc3339 == "2026-12-01T15:30:00Z")
        #expect(try parse("2026-12-01T10:00:00.750Z").rfc3339 == "2026-12-01T10:00:00Z")
    }

    @Test func localTimesReadInTheZone() throws {
        #expect(try parse("2026-12-01 10:00").rfc3339 == "2026-12-01T09:00:00Z")
        #expect(try parse("2026-12-01T10:00").rfc3339 == "2026-12-01T09:00:00Z")
        #expect(try parse("2026-07-01 10:00").rfc3339 == "2026-07-01T08:00:00Z")
        #expect(try parse("2026-12-02").rfc3339 == "2026-12-01T23:00:00Z")
    }

    @Test func nowAndOffsetsFromNow() throws {
        #expect(try parse("now") == now)
        #expect(try parse("+90m").rfc3339 == "2026-12-01T09:30:00Z")
        #expect(try parse("+2h").rfc3339 == "2026-12-01T10:00:00Z")
        #expect(try parse("+1d").rfc3339 == "2026-12-02T08:00:00Z")
        #expect(try parse("-1h").rfc3339 == "2026-12-01T07:00:00Z")
    }

    @Test func impossibleDatesAreErrorsNeverRolledOver() {
        #expect(problem("2026-02-30")?.contains("not a real date") == true)
        #expect(problem("2026-02-29 10:00")?.contains("not a real date") == true)
        #expect(problem("2026-04-31T10:00:00Z")?.contains("not a real date") == true)
        #expect(problem("2026-13-01") != nil)
        #expect(problem("2026-00-10") != nil)
        #expect(problem("2026-12-01 24:00") != nil)
        #expect(problem("2026-12-01 10:60") != nil)
        #expect(problem("2026-12-01T10:00:60Z") != nil)
        #expect(problem("2026-12-01T10:00:00+24:00") != nil)
    }

    @Test func leapDaysAreAccepted() throws {
        #expect(try parse("2028-02-29T12:00:00Z").rfc3339 == "2028-02-29T12:00:00Z")
        #expect(try parse("2000-02-29T12:00:00Z").rfc3339 == "2000-02-29T12:00:00Z")
    }

    @Test func daylightSavingGapIsAnError() {
        // Clocks go from 02:00 to 03:00 on 2026-03-29.
        #expect(problem("2026-03-29 02:30")?.contains("does not exist") == true)
        #expect(problem("2026-03-29 03:00") == nil)
        #expect(problem("2026-03-29 01:59") == nil)
    }

    @Test func daylightSavingOverlapIsAnError() {
        // Clocks go from 03:00 back to 02:00 on 2026-10-25.
        #expect(problem("2026-10-25 02:30")?.contains("ambiguous") == true)
        #expect(problem("2026-10-25 03:00") == nil)
        #expect(problem("2026-10-25T02:30:00+01:00") == nil)
    }

    @Test func malformedAndOutOfRangeValues() {
        for text in ["", "tomorrow", "2026-12-1", "2026/12/01", "12:00", "+", "+5", "+5x", "+m", "2026-12-01T10", "2026-12-01 10:00 extra",
                     "1969-12-31", "10000-01-01", "+99999999999999999999d", "+9223372036854775807d", "+999999999d"] {
            #expect(problem(text) != nil, "\(text) should be refused")
        }
    }

    @Test func rfc3339ForMindbeatNowNeedsAZone() {
        #expect((try? TimeInput.parseRFC3339("2026-12-01T09:00:00Z"))?.rfc3339 == "2026-12-01T09:00:00Z")
        #expect((try? TimeInput.parseRFC3339("2026-12-01T10:00:00+01:00"))?.rfc3339 == "2026-12-01T09:00:00Z")
        #expect((try? TimeInput.parseRFC3339("2026-12-01 09:00")) == nil)
        #expect((try? TimeInput.parseRFC3339("now")) == nil)
        #expect((try? TimeInput.parseRFC3339("2026-02-30T09:00:00Z")) == nil)
    }

    @Test func shortTimeShowsTheDateOnlyOnOtherDays() {
        let utc = FixedOffsetZone.utc
        #expect(utc.shortTime(at("2026-12-01T10:15:00Z"), now: now) == "10:15")
        #expect(utc.shortTime(at("2026-12-02T10:15:00Z"), now: now) == "2026-12-02 10:15")
        #expect(zone.shortTime(at("2026-12-01T23:30:00Z"), now: now) == "2026-12-02 00:30")
    }

    @Test func civilDatesRoundTrip() {
        for seconds: Int64 in [0, 951_782_400, 1_798_761_599, 253_402_300_799] {
            let civil = CivilDateTime(utcSeconds: seconds)
            #expect(civil.utcSeconds == seconds)
        }
        #expect(CivilDateTime(utcSeconds: 0).weekday == 4)  // a Thursday
    }
}
