import Testing
import TestSupport
@testable import MindbeatCore

/// The iCalendar encoding (RFC 5545) byte for byte; the end-to-end tests
/// parse the whole output with Python's icalendar.
@Suite("iCalendar")
struct ICalendarTests {
    @Test func textValuesEscapeBackslashSemicolonCommaAndLineBreaks() {
        #expect(ICalendar.encoded { $0.text("a\\b;c,d\ne") } == "a\\\\b\\;c\\,d\\ne")
        #expect(ICalendar.encoded { $0.text("plain: text") } == "plain: text")
        #expect(ICalendar.encoded { $0.text("bell\u{7}\r") } == "bell")
    }

    @Test func parameterValuesAreQuotedWithRFC6868Carets() {
        #expect(ICalendar.encoded { $0.parameter("Bo \"the\" ^Member") } == "\"Bo ^'the^' ^^Member\"")
        #expect(ICalendar.encoded { $0.parameter("Zoë, Ann; Cy:") } == "\"Zoë, Ann; Cy:\"")
    }

    @Test func timesAreUTC() {
        #expect(ICalendar.encoded { $0.utc(at("2026-03-09T07:05:03Z")) } == "20260309T070503Z")
        #expect(ICalendar.encoded { $0.utc(at("9999-12-31T23:59:59Z")) } == "99991231T235959Z")
    }

    @Test func longLinesFoldAt75OctetsWithoutSplittingACharacter() {
        let name = String(repeating: "é", count: 100) + String(repeating: "😀", count: 20) + "x"
        let folded = ICalendar.fold("SUMMARY:" + name)
        #expect(folded.hasSuffix("\r\n"))
        let lines = folded.utf8.split(separator: 10).map { Array($0) }
        for (index, line) in lines.enumerated() {
            #expect(line.last == 13)
            let content = line.dropLast()
            #expect(content.count <= 75)
            #expect(String(validating: Array(content), as: UTF8.self) != nil, "line \(index) splits a character")
            if index > 0 { #expect(content.first == 32) }
        }
        // Unfolded, it is the line again.
        #expect(folded.replacing("\r\n ", with: "") == "SUMMARY:" + name + "\r\n")
        #expect(ICalendar.fold(String(repeating: "a", count: 75)) == String(repeating: "a", count: 75) + "\r\n")
        #expect(ICalendar.fold(String(repeating: "a", count: 76)) == String(repeating: "a", count: 75) + "\r\n a\r\n")
    }

    @Test func anEventHasEveryPropertyTheContractNames() {
        var session = makeSession(starts: "2026-12-01T09:00:00Z")
        session.sequence = 2
        let party = ICalendar.document(
            method: .publish, events: [CalendarEvent(session: session, installID: "abc", description: "Join: 12")],
            stamp: at("2026-11-30T08:00:00Z"))
        for line in ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//mindbeat//mindbeat//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "BEGIN:VEVENT", "UID:session-12-abc@mindbeat", "DTSTAMP:20261130T080000Z", "DTSTART:20261201T090000Z",
                     "DTEND:20261201T100000Z", "SUMMARY:Coaching: Ann Coach with Bo Member", "SEQUENCE:2", "STATUS:CONFIRMED",
                     "ORGANIZER;CN=\"Ann Coach\":mailto:ann@example.com", "DESCRIPTION:Join: 12", "END:VEVENT", "END:VCALENDAR"] {
            #expect(party.contains(line + "\r\n"), "missing \(line)")
        }
        session.status = .lateCancelled
        let manager = ICalendar.document(
            method: .cancel, events: [CalendarEvent(session: session, installID: "abc", description: nil)],
            stamp: at("2026-11-30T08:00:00Z"))
        #expect(manager.contains("METHOD:CANCEL\r\n") && manager.contains("STATUS:CANCELLED\r\n"))
        #expect(!manager.contains("DESCRIPTION"))
    }

    @Test func aLargeCalendarIsEmittedInPieces() {
        let events = (0..<400).map { index in
            var session = makeSession(starts: "2026-12-01T09:00:00Z")
            session.sequence = Int64(index)
            return CalendarEvent(session: session, installID: "abc", description: "Join it with: a command")
        }
        var pieces: [[UInt8]] = []
        ICalendar.write(method: .publish, events: events, stamp: at("2026-11-30T08:00:00Z")) { pieces.append($0) }
        #expect(pieces.count > 1)
        let whole = ICalendar.document(method: .publish, events: events, stamp: at("2026-11-30T08:00:00Z"))
        #expect(String(decoding: pieces.flatMap { $0 }, as: UTF8.self) == whole)
    }
}
