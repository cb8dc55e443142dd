/// What an iCalendar object asks of the calendar that reads it (RFC 5546).
public enum CalendarMethod: String, Sendable {
    /// A feed: `calendar` output.
    case publish = "PUBLISH"
    /// An invitation, new or moved (iMIP `method=REQUEST`).
    case request = "REQUEST"
    /// A cancellation (iMIP `method=CANCEL`).
    case cancel = "CANCEL"
}

/// One session as a calendar shows it: a `VEVENT`.
public struct CalendarEvent: Equatable, Sendable {
    public let uid: String
    public let sequence: Int64
    public let start: Instant
    public let end: Instant
    public let summary: String
    public let cancelled: Bool
    /// The coach.
    public let organizer: Person
    /// The member.
    public let attendee: Person
    /// For a party: how to join it. Nil for a line manager (attendance only).
    public let description: String?

    /// The event of a session, with `description` for a party (how to join
    /// it); a line manager gets attendance only (nil).
    public init(session: Session, installID: String, description: String?) {
        uid = ICalendar.uid(sessionID: session.id, installID: installID)
        sequence = session.sequence
        start = session.startsAt
        end = session.endsAt
        summary = "Coaching: \(session.coach.name) with \(session.member.name)"
        cancelled = session.status.isCancelled
        organizer = session.coach
        attendee = session.member
        self.description = description
    }
}

/// iCalendar (RFC 5545) as mindbeat writes it: lines ending in CRLF, folded
/// at 75 octets without splitting a UTF-8 character, TEXT values escaped.
public enum ICalendar {
    public static let productID = "-//mindbeat//mindbeat//EN"

    /// The UID of a session's event: stable for the session, and different
    /// in every database (the install id is part of it).
    public static func uid(sessionID: Int64, installID: String) -> String {
        "session-\(sessionID)-\(installID)@mindbeat"
    }

    /// A whole `VCALENDAR` object, made at `stamp` (its `DTSTAMP`).
    public static func document(method: CalendarMethod, events: [CalendarEvent], stamp: Instant) -> String {
        var writer = Writer()
        writer.reserve(events.count * 520 + 160)
        writer.line("BEGIN:VCALENDAR")
        writer.line("VERSION:2.0")
        writer.line("PRODID:" + productID)
        writer.line("CALSCALE:GREGORIAN")
        writer.line("METHOD:" + method.rawValue)
        let dtstamp = "DTSTAMP:" + utc(stamp)
        for event in events {
            writer.line("BEGIN:VEVENT")
            writer.line("UID:", text: event.uid)
            writer.line(dtstamp)
            writer.line("DTSTART:" + utc(event.start))
            writer.line("DTEND:" + utc(event.end))
            writer.line("SUMMARY:", text: event.summary)
            writer.line("SEQUENCE:" + String(event.sequence))
            writer.line(event.cancelled || method == .cancel ? "STATUS:CANCELLED" : "STATUS:CONFIRMED")
            writer.line("ORGANIZER;CN=" + parameter(event.organizer.name) + ":mailto:" + event.organizer.email)
            writer.line("ATTENDEE;CN=" + parameter(event.attendee.name)
                        + ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:" + event.attendee.email)
            if let description = event.description { writer.line("DESCRIPTION:", text: description) }
            writer.line("END:VEVENT")
        }
        writer.line("END:VCALENDAR")
        return writer.string
    }

    /// `20261201T090000Z`.
    public static func utc(_ instant: Instant) -> String {
        let civil = CivilDateTime(utcSeconds: instant.secondsSinceEpoch)
        return pad(civil.year, 4) + pad(civil.month, 2) + pad(civil.day, 2) + "T"
            + pad(civil.hour, 2) + pad(civil.minute, 2) + pad(civil.second, 2) + "Z"
    }

    /// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line
    /// breaks escaped. Names were checked at input, so no other control
    /// character reaches here; any that did is dropped.
    public static func text(_ value: String) -> String {
        var bytes: [UInt8] = []
        escape(value, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func escape(_ value: String, into bytes: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case 0x5C, 0x3B, 0x2C: bytes += [0x5C, byte]  // \ ; ,
            case 0x0A: bytes += [0x5C, 0x6E]  // \n
            case 0..<0x20, 0x7F: continue
            default: bytes.append(byte)
            }
        }
    }

    /// A parameter value, always quoted; a double quote, caret or line break
    /// inside is written as RFC 6868 says (`^'`, `^^`, `^n`).
    public static func parameter(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "^'"
            case "^": out += "^^"
            case "\n": out += "^n"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// One content line, folded: at most 75 octets a line (the leading space
    /// of a continuation counts), never inside a UTF-8 character; each line
    /// ends in CRLF.
    public static func fold(_ line: String) -> String {
        var writer = Writer()
        writer.line(line)
        return writer.string
    }

    /// Content lines into one buffer of bytes.
    struct Writer {
        private var bytes: [UInt8] = []
        private var pending: [UInt8] = []

        mutating func reserve(_ count: Int) { bytes.reserveCapacity(count) }

        /// `name` as is, then `value` escaped as TEXT.
        mutating func line(_ name: String, text value: String) {
            pending.removeAll(keepingCapacity: true)
            pending += name.utf8
            ICalendar.escape(value, into: &pending)
            flush()
        }

        mutating func line(_ content: String) {
            pending.removeAll(keepingCapacity: true)
            pending += content.utf8
            flush()
        }

        private mutating func flush() {
            var width = 0
            var index = 0
            while index < pending.count {
                // The whole UTF-8 sequence this byte starts.
                let lead = pending[index]
                var length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
                length = min(length, pending.count - index)
                if width + length > 75 {
                    bytes += [13, 10, 32]
                    width = 1
                }
                bytes += pending[index..<(index + length)]
                width += length
                index += length
            }
            bytes += [13, 10]
        }

        var string: String { String(decoding: bytes, as: UTF8.self) }
    }
}
