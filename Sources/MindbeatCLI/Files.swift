#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Files the command line writes for itself: generated man pages and
/// completions. (Directories: `Directories.make`; the database's own files
/// belong to the store.)
enum Files {
    /// Writes `text` to `path`, replacing it as a shell's `>` does; a new
    /// file gets `mode` (less the umask).
    static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws {
        try write(bytes: Array(text.utf8), to: path, mode: mode)
    }

    /// Writes `bytes` to `path`, as `write(_:to:mode:)` does.
    static func write(bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let shown = Parser.sanitized(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw CommandFailure.io("cannot write \(shown): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw CommandFailure.io("cannot write \(shown): \(String(cString: strerror(written < 0 ? errno : EIO)))")
            }
            offset += written
        }
    }
}
