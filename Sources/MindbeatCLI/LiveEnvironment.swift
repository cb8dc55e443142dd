#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

/// The system clock, to the second.
struct SystemClock: Clock {
    func now() -> Instant { Instant(secondsSinceEpoch: Int64(time(nil))) }

    func realSeconds(until instant: Instant) -> Double? {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(instant.secondsSinceEpoch - Int64(spec.tv_sec)) - Double(spec.tv_nsec) / 1e9
    }
}

/// The clock `MINDBEAT_NOW` and `MINDBEAT_CLOCK_RATE` ask for (SPEC §8):
/// stopped at the instant, or running from it at the rate; nil when
/// `MINDBEAT_NOW` is not set. Read once, when the process starts.
func testClock(_ environment: [String: String]) throws(UsageError) -> (any Clock)? {
    let rateText = environment["MINDBEAT_CLOCK_RATE"]
    guard let fixed = environment["MINDBEAT_NOW"] else {
        if let rateText {
            do {
                _ = try RunningClock.rate(rateText)
            } catch {
                throw UsageError("MINDBEAT_CLOCK_RATE \(Parser.shown(rateText)) \(error.problem)")
            }
            throw UsageError("MINDBEAT_CLOCK_RATE runs the clock of MINDBEAT_NOW, which is not set; set both, or neither")
        }
        return nil
    }
    let start: Instant
    do {
        start = try TimeInput.parseRFC3339(fixed)
    } catch {
        throw UsageError("MINDBEAT_NOW \(Parser.shown(fixed)) \(error.problem)")
    }
    guard let rateText else { return FixedClock(start) }
    let rate: Double
    do {
        rate = try RunningClock.rate(rateText)
    } catch {
        throw UsageError("MINDBEAT_CLOCK_RATE \(Parser.shown(rateText)) \(error.problem)")
    }
    let origin = monotonicSeconds()
    return RunningClock(start: start, rate: rate) { monotonicSeconds() - origin }
}


/// The zone named by `$TZ` (or the system's), through the C library. The
/// zone database is read the first time an offset is asked for, so a command
/// that shows no time (`--version`, help, a usage error) never reads it.
struct SystemZone: LocalZone {
    private static let ready: Bool = {
        tzset()
        return true
    }()

    func offset(at instant: Instant) -> Int64 {
        _ = SystemZone.ready
        var seconds = time_t(instant.secondsSinceEpoch)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return 0 }
        return Int64(parts.tm_gmtoff)
    }
}

extension SystemZone {
    /// Where the system's time-zone database is.
    static func zoneDirectory(_ environment: [String: String]) -> String {
        if let directory = environment["TZDIR"], directory.hasPrefix("/") { return directory }
        return "/usr/share/zoneinfo"
    }

    /// Whether `name` is a zone of the system's time-zone database: a
    /// regular file there that starts as every zone file does ("TZif").
    static func exists(_ name: String, environment: [String: String]) -> Bool {
        guard (try? RemoteAccess.zoneName(name)) != nil else { return false }
        // Debian links some names to others (UTC to Etc/UTC): links are
        // followed, to a regular file only. O_NONBLOCK: a FIFO never hangs.
        let fd = open(zoneDirectory(environment) + "/" + name, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return isZoneFile(fd)
    }

    private static func isZoneFile(_ fd: Int32) -> Bool {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        var magic = [UInt8](repeating: 0, count: 4)
        return read(fd, &magic, 4) == 4 && magic == Array("TZif".utf8)
    }

    /// `--tz ZONE`: checks the name and makes it the zone of this process,
    /// for display and for local TIME input.
    static func select(_ name: String, environment: [String: String]) throws(UsageError) {
        do {
            _ = try RemoteAccess.zoneName(name)
        } catch {
            throw UsageError("--tz \(Parser.shown(name)) \(error.problem)")
        }
        guard exists(name, environment: environment) else {
            throw UsageError("--tz \(Parser.shown(name)) is not a time zone of this system (see /usr/share/zoneinfo; for example Europe/Berlin)")
        }
        setenv("TZ", name, 1)
        tzset()
    }

    /// The name of the local zone, to send to a server with `--tz`: from
    /// `TZ` when it names a zone, else from where /etc/localtime points.
    /// Nil when it cannot be told (a POSIX rule in `TZ`): the server's zone
    /// is used then.
    static func name(_ environment: [String: String]) -> String? {
        if var zone = environment["TZ"], !zone.isEmpty {
            if zone.hasPrefix(":") { zone.removeFirst() }
            if let range = zone.firstRange(of: "/zoneinfo/") { zone = String(zone[range.upperBound...]) }
            return exists(zone, environment: environment) ? zone : nil
        }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/etc/localtime", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let range = target.firstRange(of: "zoneinfo/") else { return nil }
        let zone = String(target[range.upperBound...])
        return exists(zone, environment: environment) ? zone : nil
    }
}
