#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

/// The temporary file an editor is working on, for the signal handlers that
/// remove it if mindbeat is stopped meanwhile. C memory, so a handler can use
/// it without touching Swift's runtime.
nonisolated(unsafe) private var editorFile: UnsafeMutablePointer<CChar>?

/// The user's editor failed or was stopped; nothing was saved.
struct EditorFailure: Error {
    let message: String
}

/// Notes being written in an editor: files in `edit/` under the state
/// directory (0700, mindbeat's own; never a shared temporary directory such
/// as /tmp), one a run, named `note-PID-RANDOM.txt`, created 0600 and
/// exclusively, and locked (flock) by the run for as long as it lives.
enum EditorFiles {
    /// A file left by a run that died without removing it (SIGKILL, a power
    /// cut) is removed by the next `notes add` once nobody holds its lock
    /// and either its run is gone or it is this old (a pid may be reused).
    static let staleSeconds = 24 * 3600

    /// Creates this run's file, locked; its descriptor (keep it open: it
    /// holds the lock) and name.
    static func create(in directory: PrivateDirectory) throws -> (fd: Int32, name: String) {
        for _ in 0..<8 {
            let name = "note-\(getpid())-\(Secrets.hex(try Secrets.randomBytes(6))).txt"
            let fd = openat(directory.fd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 {
                fchmod(fd, 0o600)
                _ = flock(fd, LOCK_EX | LOCK_NB)
                return (fd, name)
            }
            if errno != EEXIST { break }
        }
        throw CommandFailure.io("cannot create a file in \(directory.path) for the editor: \(String(cString: strerror(errno)))")
    }

    /// Removes the files of runs that are gone. A file another run is editing
    /// right now (in another terminal) is locked, and stays.
    static func removeStale(in directory: PrivateDirectory) {
        let listing = dup(directory.fd)
        guard listing >= 0 else { return }
        guard let stream = fdopendir(listing) else {
            close(listing)
            return
        }
        var names: [(String, pid_t)] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix("note-"), name.hasSuffix(".txt"),
                  let pid = name.dropFirst(5).split(separator: "-").first.flatMap({ pid_t($0) }), pid > 0
            else { continue }
            names.append((name, pid))
        }
        closedir(stream)
        let now = time(nil)
        for (name, pid) in names {
            let fd = openat(directory.fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var info = stat()
            guard flock(fd, LOCK_EX | LOCK_NB) == 0, fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            let gone = kill(pid, 0) != 0 && errno == ESRCH
            if gone || now - info.st_mtim.tv_sec > staleSeconds {
                directory.remove(name)
            }
        }
    }
}

extension Context {
    /// `$VISUAL`, else `$EDITOR`, else vi.
    var editorCommand: String {
        for name in ["VISUAL", "EDITOR"] {
            if let value = environment[name], !Values.trimWhitespace(value).isEmpty { return value }
        }
        return "vi"
    }

    /// Lets the user write text in their editor, on a file of `EditorFiles`
    /// removed on every way out: the editor succeeding or failing, Ctrl-C, or
    /// mindbeat being terminated (SIGTERM, SIGHUP, SIGQUIT). After a SIGKILL
    /// the next run removes it.
    func editText() throws -> String {
        guard let state = try stateDirectory(create: true) else {
            throw CommandFailure.io("cannot create \(try stateDirectoryPath()) for the editor")
        }
        defer { state.close() }
        let directory = try state.subdirectory("edit")
        defer { directory.close() }
        EditorFiles.removeStale(in: directory)
        let (fd, name) = try EditorFiles.create(in: directory)
        let path = directory.path + "/" + name
        editorFile = strdup(path)
        // Ctrl-C goes to the editor; mindbeat waits for it and cleans up.
        let previousInt = signal(SIGINT, SIG_IGN)
        // Then mindbeat ends by the signal, as SPEC §8 asks (the shell sees
        // 128 + n); main.swift has already set the core limit to 0.
        let stop: @convention(c) (Int32) -> Void = { signalNumber in
            if let file = editorFile { unlink(file) }
            let message = "mindbeat: stopped; the note was not saved\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            signal(signalNumber, SIG_DFL)
            raise(signalNumber)
        }
        // Each, unless whoever started mindbeat ignores it (nohup, a
        // background job): then it stays ignored.
        func catchUnlessIgnored(_ signalNumber: Int32) -> sighandler_t? {
            let previous = signal(signalNumber, stop)
            if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { signal(signalNumber, SIG_IGN) }
            return previous
        }
        let previousTerm = catchUnlessIgnored(SIGTERM)
        let previousHup = catchUnlessIgnored(SIGHUP)
        let previousQuit = catchUnlessIgnored(SIGQUIT)
        defer {
            signal(SIGINT, previousInt)
            signal(SIGTERM, previousTerm)
            signal(SIGHUP, previousHup)
            signal(SIGQUIT, previousQuit)
            // By name in the directory: the editor may have replaced the file.
            directory.remove(name)
            close(fd)
            free(editorFile)
            editorFile = nil
        }
        // Through the shell, as git runs editors: "code --wait" is a command line.
        let editor = editorCommand
        let result: ChildProcess.Result
        do {
            result = try ChildProcess(arguments: ["/bin/sh", "-c", editor + " \"$1\"", "sh", path],
                                      environment: ChildProcess.environment(from: environment)).run()
        } catch let failure as ChildProcess.SpawnFailure {
            throw EditorFailure(message: "\(failure.message); the note was not saved")
        }
        guard result.ending.succeeded else {
            throw EditorFailure(message: "the editor (\(editor)) \(result.ending.description); the note was not saved")
        }
        return try readFile(path, limit: NoteBody.limit + 4096)
    }
}
