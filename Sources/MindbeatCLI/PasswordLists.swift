#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import MindbeatCore

/// What a password read from the person is for.
enum PasswordUse {
    /// Logging in, or proving who you are: only its length is checked.
    case existing
    /// A password being set: the policy applies, with the account's name and
    /// email when they are known before the database is opened.
    case new(name: String?, email: String?)
}

/// The commonly used passwords of the dictionaries Debian maintains, found
/// where their packages install them: cracklib's word list
/// (`cracklib-runtime`) and John the Ripper's list of common passwords
/// (`john-data`). Each is read only when a password is set, and searched
/// line by line; no list is typed into mindbeat.
struct SystemPasswordLists: CommonPasswords {
    static let candidates = ["/usr/share/dict/cracklib-small", "/usr/share/john/password.lst"]

    /// The lists present on this system.
    let paths: [String]

    init(candidates: [String] = SystemPasswordLists.candidates) {
        paths = candidates.filter { path in
            var info = stat()
            return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        }
    }

    func contains(_ password: String) -> Bool {
        let wanted = Array(password.utf8).map(Self.fold)
        return paths.contains { Self.list(at: $0, contains: wanted) }
    }

    /// ASCII letters compared without case.
    static func fold(_ byte: UInt8) -> UInt8 { (65...90).contains(byte) ? byte + 32 : byte }

    /// Whether a line of the file is `wanted` (already folded). John's
    /// `#!comment:` lines never match a password of 8 or more characters
    /// that is not one of them, and need no special case.
    static func list(at path: String, contains wanted: [UInt8]) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var line: [UInt8] = []
        line.reserveCapacity(256)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            for byte in buffer[0..<count] {
                if byte == 10 {
                    if line.last == 13 { line.removeLast() }
                    if line == wanted { return true }
                    line.removeAll(keepingCapacity: true)
                } else if line.count <= wanted.count {
                    line.append(fold(byte))
                }
            }
        }
        return line == wanted
    }
}
