#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a database file must be before SQLite may open it, checked the way a
/// careful Unix tool checks a file it trusts (as ssh checks a key file):
///
/// - a regular file: a FIFO would make the first read wait for ever, a
///   device is nobody's database;
/// - writable by its owner alone, and so are the `-wal` and `-shm` files
///   SQLite keeps beside it, and the directory they are in: whoever may
///   write the directory may replace the file. Directories above it are not
///   checked (as sshd stops at the home directory, mindbeat stops at the
///   database's own);
/// - not marked by another application (the header, read before SQLite
///   touches the file, so that not even a journal recovery runs on it).
///
/// The file is looked at with `stat` first, so that a device is never
/// opened; then it is opened without blocking (a FIFO put there meanwhile
/// opens at once instead of waiting for a writer) and the descriptor is
/// checked to be the same regular file before its header is read from it.
enum DatabaseFile {
    /// The group and other write bits.
    static let othersMayWrite = mode_t(S_IWGRP | S_IWOTH)

    /// Checks an existing database file for any command but `init`'s
    /// creation. `operatorUID`: an operator's command runs as this user, who
    /// must own the file or be root.
    static func check(_ path: String, operatorUID: UInt32?) throws(MindbeatError) {
        var info = stat()
        if stat(path, &info) != 0 {
            if errno == ENOENT { throw .database(.missing, location: path) }
            throw .database(.io("cannot read \(path): \(String(cString: strerror(errno)))"), location: path)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .database(.notAFile, location: path) }
        if let uid = operatorUID, uid != 0, uid != info.st_uid {
            throw .database(.notOwner(owner: info.st_uid), location: path)
        }
        if info.st_mode & othersMayWrite != 0 {
            throw .database(.writableByOthers(path: path, sharedDirectory: false), location: path)
        }
        for suffix in ["-wal", "-shm"] {
            var beside = stat()
            guard lstat(path + suffix, &beside) == 0 else { continue }
            guard (beside.st_mode & S_IFMT) == S_IFREG else { throw .database(.notAFile, location: path + suffix) }
            if beside.st_mode & othersMayWrite != 0 {
                throw .database(.writableByOthers(path: path + suffix, sharedDirectory: false), location: path)
            }
        }
        try checkDirectory(of: path)

        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == EACCES { throw .database(.io("permission denied on \(path)"), location: path) }
            throw .database(.io("cannot read \(path): \(String(cString: strerror(errno)))"), location: path)
        }
        defer { close(fd) }
        var opened = stat()
        guard fstat(fd, &opened) == 0, (opened.st_mode & S_IFMT) == S_IFREG,
              opened.st_dev == info.st_dev, opened.st_ino == info.st_ino
        else { throw .database(.notAFile, location: path) }
        try checkHeader(fd, path: path)
    }

    /// Refuses a directory others may write, for the file `path` in it.
    static func checkDirectory(of path: String) throws(MindbeatError) {
        let directory = directoryName(of: path)
        var info = stat()
        guard stat(directory, &info) == 0 else { return }
        if info.st_mode & othersMayWrite != 0 {
            let shared = info.st_mode & mode_t(S_ISVTX) != 0
            throw .database(.writableByOthers(path: directory, sharedDirectory: shared), location: path)
        }
    }

    /// The directory a path names a file in: `.` for a bare name.
    static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Refuses a file whose first bytes show it is not SQLite, or is SQLite
    /// marked by another application. An empty file passes: the schema
    /// decides (a new database has none).
    static func checkHeader(_ fd: Int32, path: String) throws(MindbeatError) {
        var header = [UInt8](repeating: 0, count: 100)
        let count = read(fd, &header, 100)
        guard count > 0 else { return }
        let magic = Array("SQLite format 3".utf8) + [0]
        guard count == 100, Array(header[0..<16]) == magic else { throw .database(.foreign, location: path) }
        let applicationID = header[68..<72].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        // A new mindbeat database may still have its mark only in the WAL, so a
        // zero here is decided later, by SQLite.
        if applicationID != 0 && applicationID != Schema.applicationID { throw .database(.foreign, location: path) }
    }

    /// Makes the file a new database is built in before `init` links it into
    /// place: beside `path` (a link cannot cross file systems), created
    /// exclusively with mode 0600, never through a symbolic link.
    static func makeTemporary(near path: String) throws(MindbeatError) -> String {
        let directory = directoryName(of: path)
        let base = path.split(separator: "/").last.map(String.init) ?? "mindbeat.db"
        for _ in 0..<8 {
            let temporary = directory + "/." + base + ".init-" + Secrets.hex(try Secrets.randomBytes(6))
            let fd = open(temporary, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 {
                // The mode, whatever the umask.
                fchmod(fd, 0o600)
                close(fd)
                return temporary
            }
            if errno != EEXIST {
                throw .database(.cannotCreate(reason: String(cString: strerror(errno))), location: path)
            }
        }
        throw .database(.cannotCreate(reason: "no free name for a temporary file in \(directory)"), location: path)
    }

    /// Puts a file's or a directory's contents on disk.
    static func sync(_ path: String) {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
