/// A list of passwords too common to accept: a maintained dictionary that the
/// command line finds on the system (cracklib's, John the Ripper's), or a
/// list in a test.
public protocol CommonPasswords {
    /// Whether `password`, compared case-insensitively, is on the list.
    func contains(_ password: String) -> Bool
}

/// The rules a new password must pass (SPEC §5, after NIST SP 800-63B
/// §5.1.1.2): long enough, not a common password, not the account's own name
/// or email, not one character repeated, not a plain run. The reasons name
/// the rule, never the password.
public enum PasswordPolicy {
    /// The checks that need nothing but the password and the common list,
    /// made before anything is opened.
    /// Spaces around a password, or control characters in it, do not make a
    /// weak one strong: the rules look at what is left without them, and a
    /// control character is refused outright (it cannot be typed at a prompt).
    public static func check(_ password: String, common: any CommonPasswords) throws(InvalidValue) {
        try Secrets.validatePassword(password)
        if password.unicodeScalars.contains(where: Values.isControl) {
            throw InvalidValue("must not contain control characters")
        }
        let core = Values.trimWhitespace(password)
        guard !core.isEmpty else { throw InvalidValue("is only spaces") }
        guard core.count >= Secrets.minimumPasswordLength else {
            throw InvalidValue("is shorter than \(Secrets.minimumPasswordLength) characters, not counting the spaces around it")
        }
        let scalars = Array(core.unicodeScalars)
        if let first = scalars.first, scalars.allSatisfy({ $0 == first }) {
            throw InvalidValue("is one character repeated")
        }
        if isRun(scalars) {
            throw InvalidValue("is a plain run of characters, each one after the last (like 1234… or zyxw…)")
        }
        if common.contains(core) {
            throw InvalidValue("is one of the most commonly used passwords")
        }
    }

    /// The check that needs the account: its name and the local part of its
    /// email, in parts of 4 or more characters, must not be in the password.
    public static func check(_ password: String, name: String, email: String) throws(InvalidValue) {
        let folded = password.lowercased()
        for part in personalParts(name: name, email: email) where folded.contains(part) {
            throw InvalidValue("contains the account's name or email address")
        }
    }

    /// The lowercased parts of a name and of an email's local part that are
    /// 4 characters or longer: "Ann Coach" and "ann.coach-x@…" give "coach" and
    /// "ann.coach-x".
    static func personalParts(name: String, email: String) -> [String] {
        let local = email.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        var parts: [String] = [local.lowercased()]
        for text in [name, local] {
            parts += text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
        }
        var seen = Set<String>()
        return parts.filter { $0.count >= 4 && seen.insert($0).inserted }
    }

    /// Whether every character follows the one before it up (or every one
    /// down) by one: "12345678", "hgfedcba", "34567890" (0 follows 9, as on a
    /// keyboard).
    static func isRun(_ scalars: [Unicode.Scalar]) -> Bool {
        guard scalars.count > 1 else { return false }
        let values = scalars.map { value(of: $0) }
        func follows(_ a: UInt32, _ b: UInt32) -> Bool { b == a + 1 || (a == 57 && b == 48) }
        let pairs = zip(values, values.dropFirst())
        return pairs.allSatisfy { follows($0, $1) } || pairs.allSatisfy { follows($1, $0) }
    }

    /// A letter's lowercase value, so that "ABCdefgh" is a run too.
    private static func value(of scalar: Unicode.Scalar) -> UInt32 {
        (65...90).contains(scalar.value) ? scalar.value + 32 : scalar.value
    }
}
