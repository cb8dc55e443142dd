/// An SSH public key registered as a login (SPEC §11).
public struct RegisteredKey: Equatable, Sendable {
    /// The opaque id the forced command names: never reused.
    public let id: Int64
    public let owner: Person
    public let type: KeyType
    public let fingerprint: String
    public let comment: String?
    public let addedAt: Instant
}

/// What a registered key grants: the account it logs in as.
public struct KeyLogin: Sendable {
    public let keyID: Int64
    public let account: Account
    public let removed: Bool
}
