import MindbeatCore

/// A checked value from the command line.
enum ParsedValue: Equatable {
    case flag
    case integer(Int64)
    case string(String)
    case instant(Instant)
}

/// What the parser made of a command line, ready for a handler.
struct Arguments {
    var options: [String: ParsedValue] = [:]
    var positionals: [ParsedValue] = []

    func flag(_ name: String) -> Bool { options[name] != nil }

    func string(_ name: String) -> String? {
        if case .string(let value) = options[name] { return value }
        return nil
    }

    func integer(_ name: String) -> Int64? {
        if case .integer(let value) = options[name] { return value }
        return nil
    }

    func instant(_ name: String) -> Instant? {
        if case .instant(let value) = options[name] { return value }
        return nil
    }

    func positional(_ index: Int) -> ParsedValue? {
        index < positionals.count ? positionals[index] : nil
    }

    func positionalString(_ index: Int) -> String? {
        if case .string(let value) = positional(index) { return value }
        return nil
    }

    func positionalInteger(_ index: Int) -> Int64? {
        if case .integer(let value) = positional(index) { return value }
        return nil
    }

    var positionalStrings: [String] {
        positionals.compactMap { if case .string(let value) = $0 { return value } else { return nil } }
    }
}
