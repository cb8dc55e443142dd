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

extension Context {
    /// `$VISUAL`, else `$EDITOR`, else vi.
    var editorCommand: String {
        for name in ["VISUAL", "EDITOR"] {
            if let value = environment[name], !Values.trimWhitespace(value).isEmpty { return value }
        }
        return "vi"
    }

    /// Lets the user write text in their editor, on a temporary file created
    /// 0600 and removed on every way out: the editor succeeding or failing,
    /// Ctrl-C, or mindbeat being terminated.
    func editText() throws -> String {
        let directory = environment["TMPDIR"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp"
        var template = Array((directory + "/mindbeat-note-XXXXXX.txt").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemps(base, 4)
        }
        guard fd >= 0 else { throw CommandFailure.io("cannot create a temporary file in \(directory) for the editor") }
        fchmod(fd, 0o600)
        close(fd)
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        editorFile = strdup(path)
        // Ctrl-C goes to the editor; mindbeat waits for it and cleans up.
        let previousInt = signal(SIGINT, SIG_IGN)
        let stop: @convention(c) (Int32) -> Void = { _ in
            if let file = editorFile { unlink(file) }
            let message = "mindbeat: stopped; the note was not saved\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            _exit(1)
        }
        let previousTerm = signal(SIGTERM, stop)
        let previousHup = signal(SIGHUP, stop)
        defer {
            signal(SIGINT, previousInt)
            signal(SIGTERM, previousTerm)
            signal(SIGHUP, previousHup)
            unlink(path)
            free(editorFile)
            editorFile = nil
        }
        // Through the shell, as git runs editors: "code --wait" is a command line.
        let editor = editorCommand
        let result: ChildProcess.Result
        do {
            result = try ChildProcess(arguments: ["/bin/sh", "-c", editor + " \"$1\"", "sh", path]).run()
        } catch let failure as ChildProcess.SpawnFailure {
            throw EditorFailure(message: "\(failure.message); the note was not saved")
        }
        guard result.ending.succeeded else {
            throw EditorFailure(message: "the editor (\(editor)) \(result.ending.description); the note was not saved")
        }
        return try readFile(path, limit: NoteBody.limit + 4096)
    }
}
