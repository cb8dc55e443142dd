/// A moment in time: whole seconds since 1970-01-01T00:00:00Z.
///
/// mindbeat's rules work to the second; an integer keeps them exact and cheap
/// to store and compare.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }

    /// This instant moved by `seconds`, or nil when that leaves the range mindbeat
    /// accepts (years 1970 to 9999).
    public func adding(seconds: Int64) -> Instant? {
        let (sum, overflow) = secondsSinceEpoch.addingReportingOverflow(seconds)
        guard !overflow, Instant.validRange.contains(sum) else { return nil }
        return Instant(secondsSinceEpoch: sum)
    }

    /// This instant moved by `minutes`, for durations and protocol waits that are
    /// known to stay in range (the caller checked the input).
    public func plus(minutes: Int64) -> Instant {
        Instant(secondsSinceEpoch: secondsSinceEpoch &+ minutes &* 60)
    }

    public func seconds(since other: Instant) -> Int64 {
        secondsSinceEpoch &- other.secondsSinceEpoch
    }

    /// 1970-01-01T00:00:00Z up to 9999-12-31T23:59:59Z.
    public static let validRange: ClosedRange<Int64> = 0...253_402_300_799

    /// RFC 3339 in UTC with `Z`, as JSON shows times: `2026-12-01T09:00:00Z`.
    public var rfc3339: String {
        let civil = CivilDateTime(utcSeconds: secondsSinceEpoch)
        return civil.isoDate + "T" + civil.isoTime(seconds: true) + "Z"
    }

    public var description: String { rfc3339 }
}

/// A calendar date and wall-clock time with no zone attached.
public struct CivilDateTime: Equatable, Sendable {
    public var year: Int64
    public var month: Int64
    public var day: Int64
    public var hour: Int64
    public var minute: Int64
    public var second: Int64

    public init(year: Int64, month: Int64, day: Int64, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The civil date and time `seconds` after the epoch (no zone: UTC, or a
    /// local time already shifted by its offset).
    public init(utcSeconds seconds: Int64) {
        // Instants come checked (input, MINDBEAT_NOW, the store's rows); a
        // local reading of one is at most a day outside the supported years.
        // Clamped all the same, so that no value can overflow the arithmetic.
        let seconds = min(max(seconds, -86_400 * 2), Instant.validRange.upperBound + 86_400 * 2)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let (y, m, d) = CivilDateTime.civil(fromDays: days)
        self.init(year: y, month: m, day: d, hour: rest / 3600, minute: (rest % 3600) / 60, second: rest % 60)
    }

    /// Seconds since the epoch, reading this date and time as UTC. Only for
    /// values whose fields are in range.
    public var utcSeconds: Int64 {
        CivilDateTime.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    public static func isLeap(_ year: Int64) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }

    /// 0 = Sunday … 6 = Saturday.
    public var weekday: Int {
        let days = CivilDateTime.days(year: year, month: month, day: day)
        return Int(((days % 7) + 11) % 7)
    }

    public var isoDate: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    public func isoTime(seconds: Bool) -> String {
        let hm = pad(hour, 2) + ":" + pad(minute, 2)
        return seconds ? hm + ":" + pad(second, 2) : hm
    }
}

func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
