#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

/// A directory mindbeat keeps private files in — the state directory,
/// `$XDG_STATE_HOME/mindbeat` (logins), and `edit/` in it (the note being
/// written in an editor) — held open, so that what is checked is what is
/// used.
///
/// It is used only when it is the user's own and nobody else may write it:
/// whoever may write it could plant a login of theirs, or read a note while it
/// is being written. It is never `chmod`ed through a symbolic link. The state
/// directory itself may be a link (to a directory of the user's own, which is
/// then left as it is); a link for `edit/`, which mindbeat alone makes, is
/// refused.
struct PrivateDirectory {
    let path: String
    let fd: Int32

    /// Opens `path`. `create`: makes it (and missing parents) 0700 first, and
    /// makes it 0700 if it is a directory of its own and not a link. Nil when
    /// it does not exist (or is not a directory) and `create` is false.
    static func open(_ path: String, create: Bool, mayBeLink: Bool) throws -> PrivateDirectory? {
        if create, let problem = Directories.make(path) {
            throw CommandFailure.io("cannot create \(path): \(problem)")
        }
        var entry = stat()
        guard lstat(path, &entry) == 0 else {
            if !create && (errno == ENOENT || errno == ENOTDIR) { return nil }
            throw CommandFailure.io("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        let isLink = (entry.st_mode & S_IFMT) == S_IFLNK
        if isLink && !mayBeLink { throw CommandFailure.unsafe(Phrases.symbolicLink(path)) }
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (isLink ? 0 : O_NOFOLLOW))
        guard fd >= 0 else {
            if !create && (errno == ENOENT || errno == ENOTDIR) { return nil }
            throw CommandFailure.io("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        let directory = try PrivateDirectory.checked(path: path, fd: fd)
        // Through the descriptor: whatever the name points to now, never a
        // link's target.
        if create && !isLink { fchmod(fd, 0o700) }
        return directory
    }

    /// The directory open at `fd`, once `check` passes; closed when it does not.
    private static func checked(path: String, fd: Int32) throws -> PrivateDirectory {
        let directory = PrivateDirectory(path: path, fd: fd)
        do {
            try directory.check()
        } catch {
            directory.close()
            throw error
        }
        return directory
    }

    /// Refuses a directory that is not the user's, or that others may write.
    private func check() throws {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw CommandFailure.io("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        if info.st_uid != geteuid() { throw CommandFailure.unsafe(Phrases.notYours(path, owner: info.st_uid)) }
        if info.st_mode & mode_t(S_IWGRP | S_IWOTH) != 0 { throw CommandFailure.unsafe(Phrases.writableByOthers(path)) }
    }

    /// `name` in this directory, as a private directory of its own, created
    /// 0700 when missing; never a link.
    func subdirectory(_ name: String) throws -> PrivateDirectory {
        let path = self.path + "/" + name
        if mkdirat(fd, name, 0o700) != 0 && errno != EEXIST {
            throw CommandFailure.io("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        var entry = stat()
        if fstatat(fd, name, &entry, AT_SYMLINK_NOFOLLOW) == 0 && (entry.st_mode & S_IFMT) == S_IFLNK {
            throw CommandFailure.unsafe(Phrases.symbolicLink(path))
        }
        let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard child >= 0 else { throw CommandFailure.io("cannot open \(path): \(String(cString: strerror(errno)))") }
        let directory = try PrivateDirectory.checked(path: path, fd: child)
        fchmod(child, 0o700)
        return directory
    }

    /// A small file in this directory, never through a link and never a FIFO
    /// or device; nil when it cannot be read.
    func read(_ name: String, limit: Int) -> String? {
        let file = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { Glibc.close(file) }
        var info = stat()
        guard fstat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var bytes = [UInt8](repeating: 0, count: limit)
        var count = 0
        while count < limit {
            let got = bytes[count...].withUnsafeMutableBytes { Glibc.read(file, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            count += got
        }
        return String(decoding: bytes[0..<count], as: UTF8.self)
    }

    /// Writes `text` to `name`, mode 0600, replacing it atomically.
    func replace(_ name: String, with text: String) throws {
        let temporary = name + ".\(getpid()).tmp"
        unlinkat(fd, temporary, 0)
        let file = openat(fd, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard file >= 0 else {
            throw CommandFailure.io("cannot write \(path)/\(name): \(String(cString: strerror(errno)))")
        }
        fchmod(file, 0o600)
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(file, $0.baseAddress, $0.count) }
        let synced = fsync(file) == 0
        Glibc.close(file)
        guard written == bytes.count, synced, renameat(fd, temporary, fd, name) == 0 else {
            unlinkat(fd, temporary, 0)
            throw CommandFailure.io("cannot write \(path)/\(name)")
        }
    }

    func remove(_ name: String) {
        unlinkat(fd, name, 0)
    }

    func close() {
        Glibc.close(fd)
    }
}

extension Context {
    /// `$XDG_STATE_HOME/mindbeat` (default `~/.local/state/mindbeat`).
    func stateDirectoryPath() throws -> String {
        try xdg("XDG_STATE_HOME", fallback: ".local/state") + "/mindbeat"
    }

    /// The state directory, checked; created when `create`. Nil when it does
    /// not exist and `create` is false.
    func stateDirectory(create: Bool) throws -> PrivateDirectory? {
        try PrivateDirectory.open(try stateDirectoryPath(), create: create, mayBeLink: true)
    }

    // MARK: Login tokens

    /// The name of the file holding the login for a database.
    static func tokenFileName(_ installID: String) -> String { installID + ".token" }

    /// `MINDBEAT_TOKEN`, else the stored token for this database. Without HOME
    /// or XDG_STATE_HOME there is nowhere to look: a usage error that says so.
    /// A state directory that is not safe to use is refused, not ignored: a
    /// login planted there would make this command act as someone else.
    func token(for store: any Store) throws -> String? {
        if let token = environment["MINDBEAT_TOKEN"], !token.isEmpty { return token }
        guard let directory = try stateDirectory(create: false) else { return nil }
        defer { directory.close() }
        guard let text = directory.read(Context.tokenFileName(store.installID), limit: 4096) else { return nil }
        let token = Values.trimWhitespace(text)
        return token.isEmpty ? nil : token
    }

    /// Stores a login token in a 0600 file in the 0700 state directory,
    /// replacing the previous one atomically.
    func saveToken(_ token: String, for store: any Store) throws {
        guard let directory = try stateDirectory(create: true) else {
            throw CommandFailure.io("cannot create \(try stateDirectoryPath()) for your login")
        }
        defer { directory.close() }
        try directory.replace(Context.tokenFileName(store.installID), with: token + "\n")
    }

    /// Removes the stored token file if it holds `token`.
    func forgetToken(_ token: String, for store: any Store) {
        guard let directory = try? stateDirectory(create: false) else { return }
        defer { directory.close() }
        let name = Context.tokenFileName(store.installID)
        guard let text = directory.read(name, limit: 4096), Values.trimWhitespace(text) == token else { return }
        directory.remove(name)
    }
}
