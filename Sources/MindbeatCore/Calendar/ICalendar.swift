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
    public let sessionID: Int64
    /// The database's id, part of the UID.
    public let installID: String
    public let sequence: Int64
    public let start: Instant
    public let end: Instant
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
        sessionID = session.id
        self.installID = installID
        sequence = session.sequence
        start = session.startsAt
        end = session.endsAt
        cancelled = session.status.isCancelled
        organizer = session.coach
        attendee = session.member
        self.description = description
    }

    /// Stable for the session, different in every database.
    public var uid: String { ICalendar.uid(sessionID: sessionID, installID: installID) }

    /// `Coaching: <coach> with <member>`.
    public var summary: String { "Coaching: \(organizer.name) with \(attendee.name)" }
}

/// iCalendar (RFC 5545) as mindbeat writes it: lines ending in CRLF, folded
/// at 75 octets without splitting a UTF-8 character, TEXT values escaped.
public enum ICalendar {
    public static let productID = "-//mindbeat//mindbeat//EN"

    /// How each byte of a TEXT value is written (RFC 5545 §3.3.11): `\\`,
    /// `\;`, `\,` and `\n`.
    static let textEscapes = escapes([0x5C: (0x5C, 0x5C), 0x3B: (0x5C, 0x3B), 0x2C: (0x5C, 0x2C), 0x0A: (0x5C, 0x6E)])
    /// How each byte of a quoted parameter value is written (RFC 6868):
    /// `^'`, `^^` and `^n`.
    static let parameterEscapes = escapes([0x22: (0x5E, 0x27), 0x5E: (0x5E, 0x5E), 0x0A: (0x5E, 0x6E)])

    /// A table of the 256 bytes: 0 written as it is, 1 dropped (the other
    /// control characters: names were checked at input, so none should come),
    /// else the two bytes that replace it, high and low.
    static func escapes(_ replaced: [UInt8: (UInt8, UInt8)]) -> [UInt16] {
        (0..<256).map { (byte: Int) -> UInt16 in
            if let (high, low) = replaced[UInt8(byte)] { return UInt16(high) << 8 | UInt16(low) }
            return byte < 0x20 || byte == 0x7F ? 1 : 0
        }
    }

    /// The UID of a session's event: stable for the session, and different
    /// in every database (the install id is part of it).
    public static func uid(sessionID: Int64, installID: String) -> String {
        "session-\(sessionID)-\(installID)@mindbeat"
    }

    /// A whole `VCALENDAR` object, made at `stamp` (its `DTSTAMP`).
    public static func document(method: CalendarMethod, events: [CalendarEvent], stamp: Instant) -> String {
        var out: [UInt8] = []
        write(method: method, events: events, stamp: stamp) { out += $0 }
        return String(decoding: out, as: UTF8.self)
    }

    /// The same object, handed to `emit` in pieces of about 64 KiB, so that a
    /// calendar of thousands of sessions is never held whole.
    public static func write(method: CalendarMethod, events: [CalendarEvent], stamp: Instant, emit: ([UInt8]) -> Void) {
        var writer = Writer(capacity: 70_000)
        writer.line("BEGIN:VCALENDAR")
        writer.line("VERSION:2.0")
        writer.line("PRODID:" + productID)
        writer.line("CALSCALE:GREGORIAN")
        writer.line("METHOD:" + method.rawValue)
        writer.start("DTSTAMP:")
        writer.utc(stamp)
        let dtstamp = writer.pendingBytes
        writer.start("")
        for event in events {
            writer.line("BEGIN:VEVENT")
            // session-ID-INSTALLID@mindbeat, written in place.
            writer.start("UID:session-")
            writer.raw(String(event.sessionID))
            writer.raw("-")
            writer.text(event.installID)
            writer.raw("@mindbeat")
            writer.end()
            writer.line(bytes: dtstamp)
            writer.start("DTSTART:")
            writer.utc(event.start)
            writer.end()
            writer.start("DTEND:")
            writer.utc(event.end)
            writer.end()
            writer.start("SUMMARY:Coaching: ")
            writer.text(event.organizer.name)
            writer.raw(" with ")
            writer.text(event.attendee.name)
            writer.end()
            writer.start("SEQUENCE:")
            writer.raw(String(event.sequence))
            writer.end()
            writer.line(event.cancelled || method == .cancel ? "STATUS:CANCELLED" : "STATUS:CONFIRMED")
            writer.start("ORGANIZER;CN=")
            writer.parameter(event.organizer.name)
            writer.raw(":mailto:")
            writer.raw(event.organizer.email)
            writer.end()
            writer.start("ATTENDEE;CN=")
            writer.parameter(event.attendee.name)
            writer.raw(";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:")
            writer.raw(event.attendee.email)
            writer.end()
            if let description = event.description {
                writer.start("DESCRIPTION:")
                writer.text(description)
                writer.end()
            }
            writer.line("END:VEVENT")
            if writer.buffered >= 65_536 { emit(writer.take()) }
        }
        writer.line("END:VCALENDAR")
        emit(writer.take())
    }

    /// What `build` writes into one content line, unfolded and without its
    /// line end: a value as it is encoded.
    static func encoded(_ build: (inout Writer) -> Void) -> String {
        var writer = Writer()
        writer.start("")
        build(&writer)
        return String(decoding: writer.pendingBytes, as: UTF8.self)
    }

    /// One content line, folded: at most 75 octets a line (the leading space
    /// of a continuation counts), never inside a UTF-8 character; each line
    /// ends in CRLF.
    public static func fold(_ line: String) -> String {
        var writer = Writer()
        writer.line(line)
        return writer.string
    }

    /// Content lines into one buffer of bytes: each line is built in
    /// `pending` (`start`, then values, then `end`) and folded into `bytes`.
    struct Writer {
        private var bytes: [UInt8] = []
        private var pending: [UInt8] = []
        // Read once a writer, not once a value.
        private let textEscapes = ICalendar.textEscapes
        private let parameterEscapes = ICalendar.parameterEscapes

        init(capacity: Int = 0) {
            bytes.reserveCapacity(capacity)
            pending.reserveCapacity(512)
        }

        var pendingBytes: [UInt8] { pending }

        /// How many bytes wait to be taken.
        var buffered: Int { bytes.count }

        /// The bytes written so far, leaving the buffer empty.
        mutating func take() -> [UInt8] {
            defer { bytes.removeAll(keepingCapacity: true) }
            return bytes
        }

        /// A whole line of bytes that are already a content line.
        mutating func line(bytes line: [UInt8]) {
            pending.removeAll(keepingCapacity: true)
            pending.append(contentsOf: line)
            end()
        }

        mutating func line(_ content: String) {
            start(content)
            end()
        }

        mutating func start(_ name: String) {
            pending.removeAll(keepingCapacity: true)
            pending.append(contentsOf: name.utf8)
        }

        mutating func raw(_ value: String) { pending.append(contentsOf: value.utf8) }

        /// A TEXT value, escaped.
        mutating func text(_ value: String) { escape(value, textEscapes) }

        /// A parameter value in double quotes, RFC 6868's carets inside.
        mutating func parameter(_ value: String) {
            pending.append(0x22)
            escape(value, parameterEscapes)
            pending.append(0x22)
        }

        /// `value` with each byte written as `table` says (`ICalendar.escapes`).
        private mutating func escape(_ value: String, _ table: [UInt16]) {
            var value = value
            value.withUTF8 { utf8 in
                // Most values need nothing escaped: one copy.
                var plain = true
                var index = 0
                while plain && index < utf8.count {
                    plain = table[Int(utf8[index])] == 0
                    index += 1
                }
                if plain {
                    pending.append(contentsOf: utf8)
                    return
                }
                for byte in utf8 {
                    let written = table[Int(byte)]
                    if written == 0 {
                        pending.append(byte)
                    } else if written != 1 {
                        pending.append(UInt8(written >> 8))
                        pending.append(UInt8(written & 0xFF))
                    }
                }
            }
        }

        /// `20261201T090000Z`.
        mutating func utc(_ instant: Instant) {
            let civil = CivilDateTime(utcSeconds: instant.secondsSinceEpoch)
            digits(civil.year, 4)
            digits(civil.month, 2)
            digits(civil.day, 2)
            pending.append(0x54)  // T
            digits(civil.hour, 2)
            digits(civil.minute, 2)
            digits(civil.second, 2)
            pending.append(0x5A)  // Z
        }

        /// `value` in `width` decimal digits (2 or 4), leading zeros kept.
        private mutating func digits(_ value: Int64, _ width: Int) {
            let rest = max(0, value)
            if width == 4 {
                pending.append(UInt8(48 + rest / 1000 % 10))
                pending.append(UInt8(48 + rest / 100 % 10))
            }
            pending.append(UInt8(48 + rest / 10 % 10))
            pending.append(UInt8(48 + rest % 10))
        }

        /// Folds the pending line into the buffer: cut every 75 octets (74
        /// after the space that begins a continuation), moved back so that it
        /// never falls inside a UTF-8 sequence; CRLF at each end.
        mutating func end() {
            let count = pending.count
            var start = 0
            var width = 75
            while count - start > width {
                var cut = start + width
                while cut > start + 1 && pending[cut] & 0xC0 == 0x80 { cut -= 1 }
                bytes.append(contentsOf: pending[start..<cut])
                bytes.append(13)
                bytes.append(10)
                bytes.append(32)
                start = cut
                width = 74
            }
            bytes.append(contentsOf: pending[start..<count])
            bytes.append(13)
            bytes.append(10)
        }

        var string: String { String(decoding: bytes, as: UTF8.self) }
    }
}
