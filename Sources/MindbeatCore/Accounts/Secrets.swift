import CSodium

/// Passwords and login tokens, through libsodium.
public enum Secrets {
    /// libsodium must be initialised once before use; it is safe to call again.
    static let ready: Bool = sodium_init() >= 0

    /// The shortest password accepted.
    public static let minimumPasswordLength = Policy.minimumPasswordLength

    /// Checks a password's length before anything is hashed or written.
    public static func validatePassword(_ password: String) throws(InvalidValue) {
        guard password.count >= minimumPasswordLength else {
            throw InvalidValue("is shorter than \(minimumPasswordLength) characters")
        }
        guard password.utf8.count <= 4096 else { throw InvalidValue("is longer than 4096 bytes") }
    }

    /// An argon2id hash in libsodium's string form, with its salt and limits.
    public static func hashPassword(_ password: String) throws(MindbeatError) -> String {
        guard ready else { throw .internal("libsodium could not be initialised") }
        var output = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        let chars = password.utf8CString
        let length = UInt64(password.utf8.count)
        let rc = chars.withUnsafeBufferPointer { input -> Int32 in
            guard let base = input.baseAddress else { return -1 }
            return crypto_pwhash_str_alg(&output, base, length, operationsLimit, memoryLimit, crypto_pwhash_ALG_ARGON2ID13)
        }
        guard rc == 0 else { throw .internal("password hashing ran out of memory") }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches a stored hash.
    public static func verifyPassword(_ password: String, hash: String) -> Bool {
        guard ready else { return false }
        let chars = password.utf8CString
        let length = UInt64(password.utf8.count)
        return hash.withCString { stored in
            chars.withUnsafeBufferPointer { input in
                guard let base = input.baseAddress else { return false }
                return crypto_pwhash_str_verify(stored, base, length) == 0
            }
        }
    }

    /// A hash that no password matches, verified against when an email is
    /// unknown so that both failures take the same time (SPEC §5): a hash
    /// string with the limits `hashPassword` uses and a random salt and
    /// digest. Nothing is hashed to make it — hashing a decoy per process
    /// once made an unknown email cost a hash *and* a verification (~270 ms
    /// against ~150 ms for a wrong password) — and verifying against it
    /// costs exactly one argon2id computation, as a real account's does.
    public static let decoyHash: String = {
        guard ready else { return "" }
        return "$argon2id$v=19$m=\(memoryLimit / 1024),t=\(operationsLimit),p=1$"
            + base64(randomBytesOrZero(16)) + "$" + base64(randomBytesOrZero(32))
    }()

    /// argon2id's limits for every password mindbeat hashes.
    static let operationsLimit = UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE)
    static let memoryLimit = Int(crypto_pwhash_MEMLIMIT_INTERACTIVE)

    private static func randomBytesOrZero(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    /// Base64 without padding, as argon2's string form writes salts and digests.
    static func base64(_ bytes: [UInt8]) -> String {
        let variant = Int32(sodium_base64_VARIANT_ORIGINAL_NO_PADDING)
        var output = [CChar](repeating: 0, count: sodium_base64_encoded_len(bytes.count, variant))
        _ = sodium_bin2base64(&output, output.count, bytes, bytes.count, variant)
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `count` random bytes.
    public static func randomBytes(_ count: Int) throws(MindbeatError) -> [UInt8] {
        guard ready else { throw .internal("libsodium could not be initialised") }
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    /// A new login token: 32 random bytes, as text.
    public static func newToken() throws(MindbeatError) -> String {
        "mbt_" + hex(try randomBytes(32))
    }

    /// The hash under which a token is stored: BLAKE2b-256 of its text.
    public static func tokenHash(_ token: String) -> [UInt8] {
        _ = ready
        var output = [UInt8](repeating: 0, count: 32)
        let bytes = Array(token.utf8)
        crypto_generichash(&output, 32, bytes, UInt64(bytes.count), nil, 0)
        return output
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
