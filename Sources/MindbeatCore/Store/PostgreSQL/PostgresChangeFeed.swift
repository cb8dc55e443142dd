#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The PostgreSQL change feed: every write transaction sends `NOTIFY
/// mindbeat` as it commits, and a watcher's connection `LISTEN`s. Waiting is
/// a `poll` on the connection's socket (and the descriptor whose hang-up
/// ends it), so a waiting command costs no CPU and wakes as the commit lands.
/// The notifications this connection sent itself are not changes by others.
final class PostgresChangeFeed: ChangeFeed {
    private let connection: PGConnection
    private let store: PostgresStore
    private let ownPID: Int32

    init(connection: PGConnection, store: PostgresStore) {
        self.connection = connection
        self.store = store
        ownPID = connection.pq.backendPID(connection.handle)
    }

    /// Reads what the server sent; whether a notification from another
    /// connection was among it.
    private func drain() throws(MindbeatError) -> Bool {
        let pq = connection.pq
        guard pq.consumeInput(connection.handle) == 1 else {
            throw .database(.unreachable(PGConnection.firstLine(pq.errorMessage(connection.handle))), location: store.location)
        }
        var changed = false
        while let notice = pq.notifies(connection.handle) {
            // struct pgNotify { char *relname; int be_pid; char *extra; … }
            let pid = notice.load(fromByteOffset: MemoryLayout<UnsafeRawPointer>.stride, as: Int32.self)
            if pid != ownPID { changed = true }
            pq.freemem(notice)
        }
        return changed
    }

    func wait(milliseconds: Int, hangUp: Int32?) throws(MindbeatError) -> Wake {
        if try drain() { return .changed }
        let socket = connection.pq.socket(connection.handle)
        guard socket >= 0 else { throw .database(.unreachable("the connection is closed"), location: store.location) }
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let end = Int64(deadline.tv_sec) * 1000 + Int64(deadline.tv_nsec) / 1_000_000 + Int64(max(0, milliseconds))
        while true {
            var current = timespec()
            clock_gettime(CLOCK_MONOTONIC, &current)
            let remaining = end - (Int64(current.tv_sec) * 1000 + Int64(current.tv_nsec) / 1_000_000)
            if remaining <= 0 { return .timedOut }
            var watched = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: hangUp ?? -1, events: 0, revents: 0)]
            let ready = poll(&watched, 2, Int32(min(remaining, Int64(Int32.max))))
            if ready < 0 && errno == EINTR { return .interrupted }
            if ready > 0 && watched[1].revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { return .hungUp }
            if ready > 0 && watched[0].revents != 0 {
                if try drain() { return .changed }
            }
        }
    }
}
