/// What an account is on the platform.
public enum Role: String, CaseIterable, Sendable {
    /// Runs sessions with their members.
    case coach
    /// The coachee: exactly one coach, perhaps a line manager.
    case member
    /// A member's line manager: sees attendance, never content.
    case manager
}

/// A person with a login.
public struct Account: Equatable, Sendable {
    public let id: Int64
    public var email: String
    public var name: String
    public var role: Role
    /// The admin right: account management only, never access to content.
    public var isAdmin: Bool
    public var phone: String?
    public var zoom: String?
    /// A member's coach.
    public var coachID: Int64?
    /// A member's line manager.
    public var managerID: Int64?
    /// An admin reset the password: the owner must choose their own before
    /// a password login may do anything else.
    public var mustChangePassword: Bool

    public init(
        id: Int64, email: String, name: String, role: Role, isAdmin: Bool,
        phone: String? = nil, zoom: String? = nil, coachID: Int64? = nil, managerID: Int64? = nil,
        mustChangePassword: Bool = false
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.isAdmin = isAdmin
        self.phone = phone
        self.zoom = zoom
        self.coachID = coachID
        self.managerID = managerID
        self.mustChangePassword = mustChangePassword
    }

    /// `Name <email>`, as messages name people.
    public var label: String { "\(name) <\(email)>" }

    /// The first word of the name, as the protocol's hints speak of people.
    public var firstName: String {
        name.split(separator: " ").first.map(String.init) ?? name
    }

    /// The account as a session names it.
    public var person: Person { Person(id: id, email: email, name: name, phone: phone, zoom: zoom, managerID: managerID) }
}

/// A person as a session names them.
public struct Person: Equatable, Sendable {
    public let id: Int64
    public let email: String
    public let name: String
    public let phone: String?
    public let zoom: String?
    public let managerID: Int64?

    public init(id: Int64, email: String, name: String, phone: String? = nil, zoom: String? = nil, managerID: Int64? = nil) {
        self.id = id
        self.email = email
        self.name = name
        self.phone = phone
        self.zoom = zoom
        self.managerID = managerID
    }

    public var firstName: String {
        name.split(separator: " ").first.map(String.init) ?? name
    }
}

/// How an admin took an account over.
public enum TakeoverKind: String, Sendable {
    /// `users reset`: a one-time password.
    case passwordReset = "password_reset"
    /// `keys add --user`: an admin registered the account's first SSH key.
    case keyAdded = "key_added"
}

/// The last time an admin took an account over, so that it never happens
/// silently: `whoami` shows it and an `account` notice tells the owner.
public struct Takeover: Equatable, Sendable {
    public let at: Instant
    /// The admin who did it.
    public let by: Person
    public let kind: TakeoverKind

    public init(at: Instant, by: Person, kind: TakeoverKind) {
        self.at = at
        self.by = by
        self.kind = kind
    }
}
