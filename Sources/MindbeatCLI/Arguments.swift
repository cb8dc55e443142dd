import MindbeatCore

/// A checked value from the command line.
enum ParsedValue: Equatable {
    case flag
    case integer(Int64)
    case string(String)
    case instant(Instant)
    case words([String])
}

/// A type a `Key` can deliver: made from the parser's checked value.
protocol ArgumentValue: Sendable {
    init?(parsed: ParsedValue)
}

extension Bool: ArgumentValue {
    init?(parsed: ParsedValue) {
        guard case .flag = parsed else { return nil }
        self = true
    }
}

extension Int64: ArgumentValue {
    init?(parsed: ParsedValue) {
        guard case .integer(let value) = parsed else { return nil }
        self = value
    }
}

extension String: ArgumentValue {
    init?(parsed: ParsedValue) {
        guard case .string(let value) = parsed else { return nil }
        self = value
    }
}

extension Instant: ArgumentValue {
    init?(parsed: ParsedValue) {
        guard case .instant(let value) = parsed else { return nil }
        self = value
    }
}

extension Array: ArgumentValue where Element == String {
    init?(parsed: ParsedValue) {
        guard case .words(let value) = parsed else { return nil }
        self = value
    }
}

/// A word of a `.choice` list, read as the core's own type.
protocol ChoiceValue: ArgumentValue, CaseIterable, RawRepresentable where RawValue == String {}

extension ChoiceValue {
    init?(parsed: ParsedValue) {
        guard case .string(let raw) = parsed else { return nil }
        self.init(rawValue: raw)
    }

    /// The words the parser accepts.
    static var words: [String] { allCases.map(\.rawValue) }
}

extension ContactMethod: ChoiceValue {}
extension Role: ChoiceValue {}
extension Recurrence: ChoiceValue {}
extension WaitCondition: ChoiceValue {}
extension ReportInterval: ChoiceValue {}

/// What the parser made of a command line, ready for a handler: every value
/// already checked, by the name of its option or positional argument.
struct Arguments {
    var values: [String: ParsedValue] = [:]

    /// The value of an option or argument, if given.
    subscript<V: ArgumentValue>(_ key: Key<V>) -> V? {
        values[key.name].flatMap(V.init(parsed:))
    }

    /// Whether a flag was given.
    func has(_ key: Key<Bool>) -> Bool { values[key.name] != nil }

    /// The value of an option or argument that the command table marks as
    /// required, which the parser has therefore checked is there.
    func required<V: ArgumentValue>(_ key: Key<V>) throws -> V {
        guard let value = self[key] else {
            throw MindbeatError.internal("the parser let through a command line without \(key.name)")
        }
        return value
    }

    /// Which flag of a `OneOf` group was given, as the group's type.
    func choice<C: FlagChoice>(_ type: C.Type) -> C? {
        C.allCases.first { values[$0.rawValue] != nil }
    }

    /// The flag of a required `OneOf` group, which the parser has checked.
    func required<C: FlagChoice>(_ type: C.Type) throws -> C {
        guard let value = choice(type) else {
            throw MindbeatError.internal("the parser let through a command line without one of \(C.allCases.map(\.rawValue))")
        }
        return value
    }
}
