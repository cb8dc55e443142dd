/// Reads the TIME values of the command line, strictly: an impossible date, a
/// local time that a daylight-saving change skips or repeats, or a value out of
/// range is an error, never rolled over to a neighbouring time.
public enum TimeInput {
    /// Parses `text` as RFC 3339 (`2026-12-01T10:00:00+01:00`, `…Z`), a local
    /// date and time in `zone` (`2026-12-01 10:00`, `2026-12-01T10:00`), a local
    /// date alone (midnight), `now`, or an offset from now (`+90m`, `+2h`,
    /// `+1d`; `-` counts back).
    public static func parse(_ text: String, now: Instant, zone: any LocalZone) throws(InvalidValue) -> Instant {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { throw InvalidValue("is empty; give a time such as 2026-12-01 10:00, +2h or now") }
        if text == "now" { return now }
        if bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-") {
            return try relative(bytes, now: now)
        }
        var scanner = Scanner(bytes)
        guard let year = scanner.digits(exactly: 4), scanner.take("-"),
              let month = scanner.digits(exactly: 2), scanner.take("-"),
              let day = scanner.digits(exactly: 2)
        else { throw unrecognised(text) }
        guard (1970...9999).contains(year) else {
            throw InvalidValue("has year \(year), outside 1970 to 9999")
        }
        guard (1...12).contains(month) else { throw InvalidValue("has month \(pad(month, 2)), which does not exist") }
        guard (1...CivilDateTime.daysIn(month: month, year: year)).contains(day) else {
            throw InvalidValue("is not a real date: \(pad(year, 4))-\(pad(month, 2)) has no day \(pad(day, 2))")
        }
        var civil = CivilDateTime(year: year, month: month, day: day)
        if scanner.atEnd {
            return try resolveLocal(civil, zone: zone, text: text)
        }
        guard scanner.take("T") || scanner.take("t") || scanner.take(" ") else { throw unrecognised(text) }
        guard let hour = scanner.digits(exactly: 2), scanner.take(":"),
              let minute = scanner.digits(exactly: 2)
        else { throw unrecognised(text) }
        var second: Int64 = 0
        if scanner.take(":") {
            guard let value = scanner.digits(exactly: 2) else { throw unrecognised(text) }
            second = value
            if scanner.take(".") || scanner.take(",") {
                // Fractions of a second are accepted and dropped: mindbeat works
                // to the second.
                guard scanner.skipDigits() > 0 else { throw unrecognised(text) }
            }
        }
        guard hour <= 23 else { throw InvalidValue("has hour \(hour), outside 00 to 23") }
        guard minute <= 59 else { throw InvalidValue("has minute \(minute), outside 00 to 59") }
        guard second <= 59 else { throw InvalidValue("has second \(second), outside 00 to 59") }
        civil.hour = hour
        civil.minute = minute
        civil.second = second
        if scanner.atEnd {
            return try resolveLocal(civil, zone: zone, text: text)
        }
        let offset: Int64
        if scanner.take("Z") || scanner.take("z") {
            offset = 0
        } else if let sign = scanner.sign() {
            guard let hours = scanner.digits(exactly: 2) else { throw unrecognised(text) }
            var minutes: Int64 = 0
            if scanner.take(":") {
                guard let value = scanner.digits(exactly: 2) else { throw unrecognised(text) }
                minutes = value
            } else if let value = scanner.digits(exactly: 2) {
                minutes = value
            }
            guard hours <= 23, minutes <= 59 else {
                throw InvalidValue("has an offset out of range (at most ±23:59)")
            }
            offset = sign * (hours * 3600 + minutes * 60)
        } else {
            throw unrecognised(text)
        }
        guard scanner.atEnd else { throw unrecognised(text) }
        let seconds = civil.utcSeconds - offset
        guard Instant.validRange.contains(seconds) else {
            throw InvalidValue("is out of range (1970 to 9999)")
        }
        return Instant(secondsSinceEpoch: seconds)
    }

    /// Parses a strict RFC 3339 time with `Z` or an offset, as `MINDBEAT_NOW`
    /// takes it.
    public static func parseRFC3339(_ text: String) throws(InvalidValue) -> Instant {
        let hasZone = text.hasSuffix("Z") || text.hasSuffix("z")
            || text.utf8.count >= 6 && {
                let tail = Array(text.utf8.suffix(6))
                return (tail[0] == UInt8(ascii: "+") || tail[0] == UInt8(ascii: "-")) && tail[3] == UInt8(ascii: ":")
            }()
        guard hasZone, text.utf8.count >= 20 else {
            throw InvalidValue("is not an RFC 3339 time with Z or an offset (such as 2026-12-01T09:00:00Z)")
        }
        return try parse(text, now: Instant(secondsSinceEpoch: 0), zone: FixedOffsetZone.utc)
    }

    static func resolveLocal(_ civil: CivilDateTime, zone: any LocalZone, text: String) throws(InvalidValue) -> Instant {
        let found = zone.instants(for: civil)
        let shown = civil.isoDate + " " + civil.isoTime(seconds: false)
        switch found.count {
        case 0:
            throw InvalidValue("does not exist: the local clocks skip \(shown) for daylight saving; give a time outside the gap or an offset such as \(civil.isoDate)T\(civil.isoTime(seconds: true))+01:00")
        case 1:
            guard Instant.validRange.contains(found[0].secondsSinceEpoch) else {
                throw InvalidValue("is out of range (1970 to 9999)")
            }
            return found[0]
        default:
            throw InvalidValue("is ambiguous: \(shown) happens twice in the local time zone as the clocks go back for daylight saving; give an offset to say which")
        }
    }

    static func relative(_ bytes: [UInt8], now: Instant) throws(InvalidValue) -> Instant {
        var scanner = Scanner(bytes)
        guard let sign = scanner.sign() else { throw InvalidValue("is not a time") }
        var amount: Int64 = 0
        var digitCount = 0
        while let byte = scanner.peek(), (48...57).contains(byte) {
            scanner.advance()
            digitCount += 1
            let (times, o1) = amount.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(Int64(byte - 48))
            guard !o1, !o2 else { throw InvalidValue("is an offset too large to be a time") }
            amount = plus
        }
        let unit: Int64
        switch scanner.peek() {
        case UInt8(ascii: "m"): unit = 60
        case UInt8(ascii: "h"): unit = 3600
        case UInt8(ascii: "d"): unit = 86_400
        default: unit = 0
        }
        scanner.advance()
        guard digitCount > 0, unit > 0, scanner.atEnd else {
            throw InvalidValue("is not an offset from now; write it as +90m, +2h or +1d")
        }
        let (seconds, overflow) = amount.multipliedReportingOverflow(by: unit)
        guard !overflow, let moved = now.adding(seconds: sign * seconds) else {
            throw InvalidValue("is an offset too large to be a time")
        }
        return moved
    }

    /// A DURATION (`wait --timeout`): whole numbers with a unit, largest
    /// first, each unit once — `90s`, `15m`, `2h`, `1h30m`, `1d` — up to
    /// `Policy.longestWaitSeconds`. In seconds.
    public static func duration(_ text: String) throws(InvalidValue) -> Int64 {
        let units: [(UInt8, Int64)] = [(UInt8(ascii: "d"), 86_400), (UInt8(ascii: "h"), 3600), (UInt8(ascii: "m"), 60), (UInt8(ascii: "s"), 1)]
        let malformed = InvalidValue("is not a duration; write it as 90s, 15m, 2h or 1h30m")
        var scanner = Scanner(Array(text.utf8))
        guard !scanner.atEnd else { throw malformed }
        var total: Int64 = 0
        var nextUnit = 0
        while !scanner.atEnd {
            var amount: Int64 = 0
            var digits = 0
            while let byte = scanner.peek(), (48...57).contains(byte) {
                scanner.advance()
                digits += 1
                guard digits <= 9 else { throw InvalidValue("is longer than \(Policy.longestWaitSeconds / 86_400) days") }
                amount = amount * 10 + Int64(byte - 48)
            }
            guard digits > 0, let byte = scanner.peek(),
                  let found = units[nextUnit...].firstIndex(where: { $0.0 == byte })
            else { throw malformed }
            scanner.advance()
            nextUnit = found + 1
            total += amount * units[found].1
            guard total <= Policy.longestWaitSeconds else {
                throw InvalidValue("is longer than \(Policy.longestWaitSeconds / 86_400) days")
            }
        }
        return total
    }

    static func unrecognised(_ text: String) -> InvalidValue {
        InvalidValue("is not a time; use 2026-12-01 10:00, 2026-12-01T10:00:00+01:00, 2026-12-01, now, +90m, +2h or +1d")
    }
}

/// Reads ASCII structure out of a value byte by byte.
struct Scanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }
    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }
    mutating func advance() { index += 1 }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard let byte = peek(), byte == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func sign() -> Int64? {
        if take("+") { return 1 }
        if take("-") { return -1 }
        return nil
    }

    mutating func digits(exactly count: Int) -> Int64? {
        guard index + count <= bytes.count else { return nil }
        var value: Int64 = 0
        for offset in 0..<count {
            let byte = bytes[index + offset]
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - 48)
        }
        index += count
        return value
    }

    mutating func skipDigits() -> Int {
        var count = 0
        while let byte = peek(), (48...57).contains(byte) {
            index += 1
            count += 1
        }
        return count
    }
}
