#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Directories and files the command line makes for itself: the login
/// directory, generated man pages. (The database's own files belong to the
/// store.)
enum Files {
    /// Creates `directory` and its missing parents with mode 0700; true when
    /// it exists as a directory afterwards.
    static func makeDirectory(_ directory: String) -> Bool {
        var info = stat()
        if stat(directory, &info) == 0 { return (info.st_mode & S_IFMT) == S_IFDIR }
        if let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
            guard makeDirectory(String(directory[..<slash])) else { return false }
        }
        return mkdir(directory, 0o700) == 0 || errno == EEXIST
    }

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
