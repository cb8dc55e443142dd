/// Attendance reports (SPEC §14): sessions counted by the period their start
/// falls in, per person in the caller's scope.

/// How a report divides time.
public enum ReportInterval: String, Sendable, CaseIterable {
    /// Monday to Monday, in the local zone.
    case week
    /// The 1st to the 1st, in the local zone.
    case month
}

/// One period of a report: [start, end), end being the next period's start.
public struct ReportPeriod: Equatable, Sendable {
    public let start: Instant
    public let end: Instant

    public init(start: Instant, end: Instant) {
        self.start = start
        self.end = end
    }
}

/// held ÷ (held + missed + late_cancelled), in ten-thousandths: a number
/// from 0 to 1 with four decimal places, rounded half up.
public struct AttendanceRate: Equatable, Sendable, CustomStringConvertible {
    public let tenThousandths: Int64

    /// Nil when nothing counts (no held, missed or late-cancelled session).
    public init?(held: Int64, missed: Int64, lateCancelled: Int64) {
        let counted = held + missed + lateCancelled
        guard counted > 0 else { return nil }
        // Exact: (held / counted) × 10,000, plus a half, rounded down.
        tenThousandths = (held * 20_000 + counted) / (2 * counted)
    }

    /// `0.8333`, `0.75`, `1`, `0`: the shortest decimal of the rounded value,
    /// as JSON and CSV show it.
    public var description: String { AttendanceRate.decimal(tenThousandths, places: 4) }

    /// `83.33%`: the same number, as a percentage.
    public var percent: String { AttendanceRate.decimal(tenThousandths, places: 2) + "%" }

    /// `value` ÷ 10^places, without trailing zeros.
    static func decimal(_ value: Int64, places: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<places { scale *= 10 }
        var fraction = String(value % scale)
        fraction = String(repeating: "0", count: places - fraction.count) + fraction
        while fraction.last == "0" { fraction.removeLast() }
        return fraction.isEmpty ? String(value / scale) : "\(value / scale).\(fraction)"
    }
}

/// The counts of one row: sessions starting in the period.
public struct ReportCounts: Equatable, Sendable {
    /// Every session, whatever its status.
    public var scheduled: Int64 = 0
    public var held: Int64 = 0
    public var missed: Int64 = 0
    public var cancelled: Int64 = 0
    public var lateCancelled: Int64 = 0

    public init(scheduled: Int64 = 0, held: Int64 = 0, missed: Int64 = 0, cancelled: Int64 = 0, lateCancelled: Int64 = 0) {
        self.scheduled = scheduled
        self.held = held
        self.missed = missed
        self.cancelled = cancelled
        self.lateCancelled = lateCancelled
    }

    public var attendanceRate: AttendanceRate? { AttendanceRate(held: held, missed: missed, lateCancelled: lateCancelled) }

    /// The sum of two rows.
    public static func + (lhs: ReportCounts, rhs: ReportCounts) -> ReportCounts {
        ReportCounts(scheduled: lhs.scheduled + rhs.scheduled, held: lhs.held + rhs.held, missed: lhs.missed + rhs.missed,
                     cancelled: lhs.cancelled + rhs.cancelled, lateCancelled: lhs.lateCancelled + rhs.lateCancelled)
    }
}

/// One row: a period and a person in scope.
public struct ReportRow: Equatable, Sendable {
    public let period: ReportPeriod
    public let coach: Person
    /// Nil in a per-coach row.
    public let member: Person?
    public let counts: ReportCounts

    public init(period: ReportPeriod, coach: Person, member: Person?, counts: ReportCounts) {
        self.period = period
        self.coach = coach
        self.member = member
        self.counts = counts
    }
}

/// What `report` asks the store for: the periods, in order and end to end,
/// and whose sessions.
public struct ReportQuery: Equatable, Sendable {
    public let periods: [ReportPeriod]
    /// Only this coach's sessions.
    public var coachID: Int64?
    /// Only this member's sessions.
    public var memberID: Int64?
    /// Only the sessions of this line manager's reports.
    public var managerID: Int64?
    /// One row per coach, else one per coach and member.
    public var perCoach: Bool
    /// Only sessions starting at or after this instant, before `to`.
    public let from: Instant
    public let to: Instant
}

/// A report: every period of its range, and the rows that have sessions.
public struct Report: Equatable, Sendable {
    public let interval: ReportInterval
    /// Sessions starting in [from, to) are counted.
    public let from: Instant
    public let to: Instant
    /// Every period the range touches, oldest first.
    public let periods: [ReportPeriod]
    /// Per period (oldest first), then coach, then member (by email).
    public let rows: [ReportRow]
    /// One row per coach (an admin's whole organisation).
    public let perCoach: Bool

    public init(interval: ReportInterval, from: Instant, to: Instant, periods: [ReportPeriod], rows: [ReportRow], perCoach: Bool) {
        self.interval = interval
        self.from = from
        self.to = to
        self.periods = periods
        self.rows = rows
        self.perCoach = perCoach
    }

    /// Each period with the sum of its rows: what the chart draws.
    public var totals: [(period: ReportPeriod, counts: ReportCounts)] {
        var sums = [ReportCounts](repeating: ReportCounts(), count: periods.count)
        var index = 0
        for row in rows {
            while index < periods.count && periods[index] != row.period { index += 1 }
            if index < periods.count { sums[index] = sums[index] + row.counts }
        }
        return Array(zip(periods, sums)).map { (period: $0.0, counts: $0.1) }
    }
}

/// The calendar arithmetic of reports, in a local zone.
public enum Periods {
    /// The first instant of a local date: its midnight, or, where a
    /// daylight-saving change skips midnight, the first instant after the gap.
    public static func startOfDay(year: Int64, month: Int64, day: Int64, zone: any LocalZone) -> Instant {
        let midnight = CivilDateTime(year: year, month: month, day: day)
        if let first = zone.instants(for: midnight).first { return first }
        // Inside a gap: the first instant whose local reading is on or after
        // midnight. Local readings only move forward around a gap.
        let local = midnight.utcSeconds
        var low = local - 50_400
        var high = local + 50_400
        while low < high {
            let middle = low + (high - low) / 2
            if zone.civil(Instant(secondsSinceEpoch: middle)).utcSeconds >= local { high = middle } else { low = middle + 1 }
        }
        return Instant(secondsSinceEpoch: low)
    }

    /// The local date a period starting on `date` ends on (the next period's first day).
    static func next(after date: CivilDateTime, by interval: ReportInterval) -> CivilDateTime {
        switch interval {
        case .week:
            return CivilDateTime(utcSeconds: date.utcSeconds + 7 * 86_400)
        case .month:
            return date.month == 12
                ? CivilDateTime(year: date.year + 1, month: 1, day: 1)
                : CivilDateTime(year: date.year, month: date.month + 1, day: 1)
        }
    }

    /// The local date the period holding `instant` starts on: its Monday, or
    /// the 1st of its month.
    static func firstDay(holding instant: Instant, by interval: ReportInterval, zone: any LocalZone) -> CivilDateTime {
        let civil = zone.civil(instant)
        switch interval {
        case .week:
            // weekday: 0 = Sunday … 6 = Saturday; Monday is 0 days back.
            let back = Int64((civil.weekday + 6) % 7)
            let day = CivilDateTime(year: civil.year, month: civil.month, day: civil.day)
            return CivilDateTime(utcSeconds: day.utcSeconds - back * 86_400)
        case .month:
            return CivilDateTime(year: civil.year, month: civil.month, day: 1)
        }
    }

    /// The periods that [from, to) touches, oldest first; at most
    /// `Policy.longestReportPeriods`, else nil.
    public static func covering(from: Instant, to: Instant, by interval: ReportInterval, zone: any LocalZone) -> [ReportPeriod]? {
        guard from < to else { return [] }
        var day = firstDay(holding: from, by: interval, zone: zone)
        var start = startOfDay(year: day.year, month: day.month, day: day.day, zone: zone)
        var periods: [ReportPeriod] = []
        while start < to {
            guard periods.count < Policy.longestReportPeriods else { return nil }
            day = next(after: day, by: interval)
            let end = startOfDay(year: day.year, month: day.month, day: day.day, zone: zone)
            periods.append(ReportPeriod(start: start, end: end))
            start = end
        }
        return periods
    }

    /// How many periods [from, to) touches, counted without building them
    /// (for the message that refuses too many).
    public static func count(from: Instant, to: Instant, by interval: ReportInterval, zone: any LocalZone) -> Int64 {
        guard from < to else { return 0 }
        let first = firstDay(holding: from, by: interval, zone: zone)
        let last = firstDay(holding: Instant(secondsSinceEpoch: to.secondsSinceEpoch - 1), by: interval, zone: zone)
        switch interval {
        case .week: return (last.utcSeconds - first.utcSeconds) / (7 * 86_400) + 1
        case .month: return (last.year - first.year) * 12 + (last.month - first.month) + 1
        }
    }

    /// The default start of a report: the 1st of the month
    /// `Policy.reportPastMonths` months before the one holding `now`.
    /// Never before 1970, the first instant mindbeat stores.
    public static func defaultFrom(now: Instant, zone: any LocalZone) -> Instant {
        let civil = zone.civil(now)
        let months = civil.year * 12 + (civil.month - 1) - Policy.reportPastMonths
        guard months >= 1970 * 12 else { return Instant(secondsSinceEpoch: Instant.validRange.lowerBound) }
        return max(startOfDay(year: months / 12, month: months % 12 + 1, day: 1, zone: zone),
                   Instant(secondsSinceEpoch: Instant.validRange.lowerBound))
    }
}
