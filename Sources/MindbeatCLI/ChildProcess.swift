#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

/// Runs another program: `$EDITOR` for notes, the mail command for the outbox.
///
/// posix_spawn rather than swift-subprocess or Foundation's Process: it adds
/// no dependency and no Foundation to the binary (which costs every command
/// start-up time), and the two uses need little — a pipe to the child's
/// standard input, its standard error captured, a deadline after which it is
/// killed, and signals reset to their defaults in the child (mindbeat ignores
/// SIGPIPE, and ignored signals survive exec).
struct ChildProcess {
    /// How a child ended.
    enum Ending: Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Still running at the deadline, and killed.
        case timedOut

        var succeeded: Bool { self == .exited(0) }

        var description: String {
            switch self {
            case .exited(let code): return "exited with status \(code)"
            case .signalled(let signal): return "was killed by signal \(signal)"
            case .timedOut: return "did not finish in time and was killed"
            }
        }
    }

    struct Result {
        let ending: Ending
        /// Standard error, when captured (at most 64 KiB of it).
        let errorOutput: [UInt8]
    }

    struct SpawnFailure: Error {
        let message: String
    }

    /// The program and its arguments; the program is looked up in `PATH`.
    let arguments: [String]
    /// The child's environment; nil passes mindbeat's own, as
    /// `environment(from:)` filters it.
    var environment: [String: String]?
    /// Bytes written to the child's standard input (then closed); nil lets the
    /// child share mindbeat's standard input, output and error (an editor).
    var input: [UInt8]?
    /// Seconds before the child is killed; nil waits for ever.
    var timeout: Int?
    /// Runs the child in a process group of its own, so that a timeout kills
    /// everything it started. An editor stays in mindbeat's group: it needs
    /// the terminal.
    var ownProcessGroup = false
    /// Given standard error as it comes, while the child shares mindbeat's
    /// standard output (and its standard input, unless `input` is given):
    /// ssh, whose messages mindbeat passes on.
    var relayError: ((ArraySlice<UInt8>) -> Void)?
    /// Given standard output as it comes, when set (ssh's, which is the
    /// remote command's): false when it could not be written on, and the
    /// pipe is then closed, so that the child learns it as a reader gone.
    var relayOutput: ((ArraySlice<UInt8>) -> Bool)?
    /// Told the child's process id as soon as it runs (to pass signals on).
    var started: ((pid_t) -> Void)?

    /// What a child of mindbeat's may see of `parent`: everything but the
    /// `MINDBEAT_*` variables. None of mindbeat's children (the editor, the
    /// mail command) needs one, and `MINDBEAT_TOKEN` is a login: a child
    /// holding it could act as the user.
    static func environment(from parent: [String: String]) -> [String: String] {
        parent.filter { !$0.key.hasPrefix("MINDBEAT_") }
    }

    /// Runs the child to its end.
    func run() throws -> Result {
        guard let program = arguments.first, !program.isEmpty else { throw SpawnFailure(message: "no program given") }
        // A child that exits without reading its input makes the write fail;
        // that must be an error here, never a SIGPIPE that kills mindbeat, whoever
        // called this (main.swift ignores it too; tests call in-process).
        signal(SIGPIPE, SIG_IGN)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if ownProcessGroup {
            flags |= POSIX_SPAWN_SETPGROUP
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var inputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        var outputPipe: [Int32] = [-1, -1]
        let feeds = input != nil
        let captures = feeds || relayError != nil
        if captures {
            guard pipe(&errorPipe) == 0, !feeds || pipe(&inputPipe) == 0 else {
                throw SpawnFailure(message: "cannot create a pipe: \(String(cString: strerror(errno)))")
            }
            if relayOutput != nil {
                guard pipe(&outputPipe) == 0 else {
                    throw SpawnFailure(message: "cannot create a pipe: \(String(cString: strerror(errno)))")
                }
                posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
            }
            // Close-on-exec, so that no other child inherits them.
            for fd in inputPipe + errorPipe + outputPipe where fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            if feeds { posix_spawn_file_actions_adddup2(&actions, inputPipe[0], 0) }
            posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
            // The mail command's standard output goes nowhere: it is not
            // mindbeat's output. ssh's is the remote command's: it is.
            if relayError == nil { posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0) }
        }
        defer {
            for fd in inputPipe + errorPipe + outputPipe where fd >= 0 { close(fd) }
        }

        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envStrings: [UnsafeMutablePointer<CChar>?]
        if let environment {
            envStrings = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        } else {
            // Mindbeat's own, entry by entry as the C library holds them.
            var inherited: [UnsafeMutablePointer<CChar>?] = []
            var index = 0
            while let entry = environ[index] {
                if strncmp(entry, "MINDBEAT_", 9) != 0 { inherited.append(strdup(entry)) }
                index += 1
            }
            envStrings = inherited + [nil]
        }
        defer { envStrings.forEach { free($0) } }

        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, program, &actions, &attributes, argv, envStrings)
        guard rc == 0 else {
            throw SpawnFailure(message: "cannot run \(program): \(String(cString: strerror(rc)))")
        }
        started?(pid)
        let deadline = timeout.map { monotonicSeconds() + Double($0) }
        var errorOutput: [UInt8] = []
        if captures {
            if inputPipe[0] >= 0 { close(inputPipe[0]); inputPipe[0] = -1 }
            close(errorPipe[1]); errorPipe[1] = -1
            if outputPipe[1] >= 0 { close(outputPipe[1]); outputPipe[1] = -1 }
            pump(input ?? [], to: &inputPipe[1], from: &errorPipe[0], output: &outputPipe[0], collecting: &errorOutput, deadline: deadline)
        }
        return Result(ending: wait(for: pid, deadline: deadline), errorOutput: errorOutput)
    }

    /// Writes the input and reads standard error (and standard output, when
    /// relayed) until all are done or the deadline passes.
    private func pump(_ input: [UInt8], to writeFD: inout Int32, from readFD: inout Int32, output outFD: inout Int32,
                      collecting collected: inout [UInt8], deadline: Double?) {
        var offset = 0
        if input.isEmpty && writeFD >= 0 { close(writeFD); writeFD = -1 }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while writeFD >= 0 || readFD >= 0 || outFD >= 0 {
            var fds: [pollfd] = []
            if writeFD >= 0 { fds.append(pollfd(fd: writeFD, events: Int16(POLLOUT), revents: 0)) }
            if readFD >= 0 { fds.append(pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)) }
            if outFD >= 0 { fds.append(pollfd(fd: outFD, events: Int16(POLLIN), revents: 0)) }
            var wait: Int32 = -1
            if let deadline {
                let left = deadline - monotonicSeconds()
                if left <= 0 { return }
                wait = Int32(min(left * 1000, 1000)) + 1
            }
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0 && errno != EINTR { break }
            for entry in fds where entry.revents != 0 {
                if entry.fd == writeFD {
                    let written = input[offset...].withUnsafeBytes { raw in
                        write(writeFD, raw.baseAddress, min(raw.count, 65_536))
                    }
                    if written > 0 { offset += written }
                    if written < 0 && errno != EINTR && errno != EAGAIN || offset >= input.count {
                        close(writeFD)
                        writeFD = -1
                    }
                } else if entry.fd == readFD {
                    let count = read(readFD, &buffer, 4096)
                    if count > 0 {
                        relayError?(buffer[0..<count])
                        if collected.count < 65_536 { collected += buffer[0..<count] }
                    } else if count == 0 || errno != EINTR {
                        close(readFD)
                        readFD = -1
                    }
                } else if entry.fd == outFD {
                    let count = read(outFD, &buffer, buffer.count)
                    if count > 0, relayOutput?(buffer[0..<count]) ?? true {
                        continue
                    }
                    if count < 0 && errno == EINTR { continue }
                    close(outFD)
                    outFD = -1
                }
            }
        }
    }

    /// Waits for the child until the deadline, then kills it.
    private func wait(for pid: pid_t, deadline: Double?) -> Ending {
        var status: Int32 = 0
        while true {
            let done = waitpid(pid, &status, deadline == nil ? 0 : WNOHANG)
            if done == pid { break }
            if done < 0 && errno != EINTR { return .exited(-1) }
            if let deadline, monotonicSeconds() >= deadline {
                kill(ownProcessGroup ? -pid : pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return .timedOut
            }
            if deadline != nil { usleep(5_000) }
        }
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signalled(signal)
    }
}
