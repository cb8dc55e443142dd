#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The SQLite change feed: `PRAGMA data_version` on the store's own
/// connection, asked every `Policy.changePollMilliseconds`. The value moves
/// whenever another connection commits to the file; asking costs a look at
/// the WAL index in shared memory, with no transaction held in between, so
/// a watcher never stands in the way of a checkpoint or a writer.
final class SQLiteChangeFeed: ChangeFeed {
    private let database: Database
    private let location: String
    private var seen: Int64

    init(database: Database, location: String) throws(MindbeatError) {
        self.database = database
        self.location = location
        seen = 0
        seen = try version()
    }

    private func version() throws(MindbeatError) -> Int64 {
        do {
            return try database.integer("PRAGMA data_version") ?? 0
        } catch {
            throw SQLiteStore.classify(error, path: location)
        }
    }

    func wait(milliseconds: Int, hangUp: Int32?) throws(MindbeatError) -> Wake {
        var remaining = max(0, milliseconds)
        while true {
            let current = try version()
            if current != seen {
                seen = current
                return .changed
            }
            if remaining == 0 { return .timedOut }
            let slice = min(remaining, Policy.changePollMilliseconds)
            var watched = [pollfd(fd: hangUp ?? -1, events: 0, revents: 0)]
            let ready = poll(&watched, 1, Int32(slice))
            if ready < 0 && errno == EINTR { return .interrupted }
            if ready > 0 && watched[0].revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { return .hungUp }
            // Only a signal or a hang-up ends poll early, and both returned.
            remaining -= slice
        }
    }
}
