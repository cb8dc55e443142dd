#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Files the command line writes for itself: generated man pages and
/// completions. (Directories: `Directories.make`; the database's own files
/// belong to the store.)
enum Files {
    /// Writes `text` to `path`, replacing it, mode 0644.
    static func write(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CommandFailure.io("cannot write \(path)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw CommandFailure.io("cannot write \(path)") }
    }
}
