#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

/// The system clock, to the second.
struct SystemClock: Clock {
    func now() -> Instant { Instant(secondsSinceEpoch: Int64(time(nil))) }
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
