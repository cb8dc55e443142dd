#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failure reported by PostgreSQL: its SQLSTATE and primary message, and
/// the SQL that failed. Never the DETAIL, which can quote a row's values (a
/// private note must not reach an error message), nor the values bound.
struct PGError: Error, Equatable, Sendable, CustomStringConvertible {
    let sqlState: String
    let message: String
    let sql: String?

    /// The connection is gone (or was never made): SQLSTATE class 08, or
    /// the server shutting down (57P01–57P03).
    var isConnectionLost: Bool {
        sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }

    /// A conflict with a concurrent transaction that running the whole
    /// transaction again resolves: a serialization failure, a deadlock, or a
    /// unique or exclusion constraint that a concurrent commit got to first
    /// (the service checked before it wrote, and checks again on the retry).
    var isRetryable: Bool {
        ["40001", "40P01", "23505", "23P01"].contains(sqlState)
    }

    var description: String {
        var text = "PostgreSQL error \(sqlState): \(message)"
        if let sql { text += " (while running: \(sql))" }
        return text
    }
}

/// One connection to a PostgreSQL server through libpq. Statements are the
/// shared ones of `SQLTransaction`, translated once each (`translate`) and
/// sent with their arguments as typed parameters, never spliced into the
/// text.
final class PGConnection: SQLConnection {
    var dialect: SQLDialect { .postgres }

    let pq: LibPQ
    let handle: OpaquePointer
    /// The URI without its password, for messages.
    let location: String
    /// Statements as PostgreSQL reads them, by their shared text.
    private var translations: [String: String] = [:]

    // Type OIDs of pg_type.
    static let boolOID: UInt32 = 16, byteaOID: UInt32 = 17, int8OID: UInt32 = 20, int2OID: UInt32 = 21
    static let int4OID: UInt32 = 23, textOID: UInt32 = 25, oidOID: UInt32 = 26, float4OID: UInt32 = 700
    static let float8OID: UInt32 = 701, numericOID: UInt32 = 1700

    /// Connects to the database `uri` names. `PG*` variables, service files
    /// and the password file apply as they do for `psql`; the URI's own
    /// values win over them.
    init(uri: String, location: String) throws(MindbeatError) {
        let pq = try LibPQ.load()
        self.pq = pq
        self.location = location
        // A URI libpq cannot read is a usage error, not a server to retry.
        var parseError: UnsafeMutablePointer<CChar>?
        guard let parsed = pq.conninfoParse(uri, &parseError) else {
            // libpq quotes the URI it could not read: shown without its password.
            let reason = PGConnection.firstLine(parseError).replacing(uri, with: location)
            if let parseError { pq.freemem(parseError) }
            throw .database(.invalidURI(reason), location: location)
        }
        pq.conninfoFree(parsed)
        var keywords = ["fallback_application_name"]
        var values = ["mindbeat"]
        // A server that does not answer is given up on, as psql would not:
        // a command must end. PGCONNECT_TIMEOUT or the URI may say otherwise.
        if getenv("PGCONNECT_TIMEOUT") == nil {
            keywords.append("connect_timeout")
            values.append(String(Policy.busyTimeoutSeconds * 2))
        }
        keywords.append("dbname")
        values.append(uri)
        let connection = PGConnection.withCStrings(keywords) { keywords in
            PGConnection.withCStrings(values) { values in pq.connectdbParams(keywords, values, 1) }
        }
        guard let connection else { throw .database(.unreachable("out of memory"), location: location) }
        guard pq.status(connection) == LibPQ.connectionOK else {
            let reason = PGConnection.firstLine(pq.errorMessage(connection))
            pq.finish(connection)
            if reason.contains("FATAL:  database \"") && reason.contains("does not exist") {
                throw .database(.missing, location: location)
            }
            throw .database(.unreachable(reason), location: location)
        }
        handle = connection
        // The server's NOTICEs (an extension that exists already) are not
        // mindbeat's output.
        _ = pq.setNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit {
        pq.finish(handle)
    }

    private static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let array = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: copies.count + 1)
        defer { array.deallocate() }
        for (index, copy) in copies.enumerated() { array[index] = UnsafePointer(copy) }
        array[copies.count] = nil
        return body(array)
    }

    /// libpq's message, first line, without the trailing newline. A URI's
    /// password never appears in libpq's messages.
    static func firstLine(_ message: UnsafeMutablePointer<CChar>?) -> String {
        guard let message else { return "no reason given" }
        let text = String(cString: message)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.trimmingSpaces }
        // "connection to server … failed: FATAL: …": the last line says why.
        return lines.isEmpty ? "no reason given" : lines.joined(separator: ": ")
    }

    // MARK: Statements

    /// Runs one or more statements without arguments (the schema, a
    /// transaction's BEGIN): their rows, if any, are not needed.
    func execute(_ sql: String) throws {
        let result = pq.exec(handle, sql)
        defer { pq.clear(result) }
        try check(result, sql: sql)
    }

    @discardableResult
    func run(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        let result = try send(sql, arguments)
        defer { pq.clear(result) }
        guard let count = pq.cmdTuples(result) else { return 0 }
        return Int(String(cString: count)) ?? 0
    }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [Row] {
        let result = try send(sql, arguments)
        defer { pq.clear(result) }
        return rows(of: result)
    }

    func row(_ sql: String, _ arguments: [SQLValue]) throws -> Row? {
        try rows(sql, arguments).first
    }

    func insert(_ sql: String, _ arguments: [SQLValue]) throws -> Int64 {
        guard let id = try row(sql + " RETURNING id", arguments)?.integer(0) else { throw CorruptRow() }
        return id
    }

    private func send(_ sql: String, _ arguments: [SQLValue]) throws -> OpaquePointer? {
        let text: String
        if let known = translations[sql] {
            text = known
        } else {
            text = PGConnection.translate(sql)
            translations[sql] = text
        }
        var types: [UInt32] = [], lengths: [Int32] = [], formats: [Int32] = []
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        defer { buffers.forEach { free($0) } }
        for argument in arguments {
            switch argument {
            case .null:
                types.append(0); lengths.append(0); formats.append(0); buffers.append(nil)
            case .integer(let value):
                types.append(PGConnection.int8OID); lengths.append(0); formats.append(0); buffers.append(strdup(String(value)))
            case .real(let value):
                types.append(PGConnection.float8OID); lengths.append(0); formats.append(0); buffers.append(strdup("\(value)"))
            case .text(let value):
                types.append(PGConnection.textOID); lengths.append(0); formats.append(0); buffers.append(strdup(value))
            case .blob(let bytes):
                // Sent as binary: no escaping, any bytes.
                let buffer = malloc(max(bytes.count, 1))?.assumingMemoryBound(to: CChar.self)
                bytes.withUnsafeBytes { raw in
                    if let buffer, let source = raw.baseAddress { _ = memcpy(buffer, source, bytes.count) }
                }
                types.append(PGConnection.byteaOID); lengths.append(Int32(bytes.count)); formats.append(1); buffers.append(buffer)
            }
        }
        let values = buffers.map { UnsafePointer($0) }
        let result = pq.execParams(handle, text, Int32(arguments.count), types, values, lengths, formats, 0)
        do {
            try check(result, sql: sql)
        } catch {
            pq.clear(result)
            throw error
        }
        return result
    }

    /// Throws the error a result carries, or the connection's when there is
    /// no result.
    private func check(_ result: OpaquePointer?, sql: String) throws {
        let status = result.map { pq.resultStatus($0) } ?? -1
        if status == LibPQ.commandOK || status == LibPQ.tuplesOK { return }
        var state = result.flatMap { pq.resultErrorField($0, LibPQ.fieldSQLState) }.map { String(cString: $0) } ?? ""
        var message = result.flatMap { pq.resultErrorField($0, LibPQ.fieldMessagePrimary) }.map { String(cString: $0) } ?? ""
        if pq.status(handle) != LibPQ.connectionOK {
            // The server went away: libpq has no SQLSTATE for that.
            if !state.hasPrefix("57P") { state = "08006" }
            if message.isEmpty { message = PGConnection.firstLine(pq.errorMessage(handle)) }
        }
        if message.isEmpty { message = PGConnection.firstLine(pq.errorMessage(handle)) }
        throw PGError(sqlState: state.isEmpty ? "XX000" : state, message: message, sql: sql)
    }

    private func rows(of result: OpaquePointer?) -> [Row] {
        let count = pq.ntuples(result), fields = pq.nfields(result)
        guard count > 0 else { return [] }
        let types = (0..<fields).map { pq.ftype(result, $0) }
        var rows: [Row] = []
        rows.reserveCapacity(Int(count))
        for tuple in 0..<count {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(fields))
            for field in 0..<fields {
                if pq.getisnull(result, tuple, field) != 0 {
                    values.append(.null)
                    continue
                }
                let length = Int(pq.getlength(result, tuple, field))
                guard let pointer = pq.getvalue(result, tuple, field) else { values.append(.null); continue }
                let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
                values.append(PGConnection.value(bytes, type: types[Int(field)]))
            }
            rows.append(Row(values: values))
        }
        return rows
    }

    /// A value of the text result format as SQLite would have given it:
    /// integers and booleans as integers, bytea as bytes.
    static func value(_ bytes: UnsafeRawBufferPointer, type: UInt32) -> SQLValue {
        let text = String(decoding: bytes, as: UTF8.self)
        switch type {
        case int8OID, int2OID, int4OID, oidOID:
            return Int64(text).map { .integer($0) } ?? .text(text)
        case numericOID:
            if let integer = Int64(text) { return .integer(integer) }
            return Double(text).map { .real($0) } ?? .text(text)
        case float4OID, float8OID:
            return Double(text).map { .real($0) } ?? .text(text)
        case boolOID:
            return .integer(text == "t" ? 1 : 0)
        case byteaOID:
            return hexBytes(bytes).map { .blob($0) } ?? .text(text)
        default:
            return .text(text)
        }
    }

    /// bytea's hex output, `\x0a1b…`.
    static func hexBytes(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        guard text.count >= 2, text.count % 2 == 0, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x") else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2 - 1)
        var index = 2
        while index < text.count {
            guard let high = nibble(text[index]), let low = nibble(text[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    // MARK: Dialect

    /// The shared statement as PostgreSQL reads it: `?N` and `?` parameters
    /// become `$N`; `X COLLATE NOCASE` (SQLite's ASCII case folding) becomes
    /// `nocase(X)`, the schema's function that folds the same letters;
    /// SQLite's `CROSS JOIN … ON` (which fixes its join order) is a plain
    /// join. Text inside quotes is left alone.
    static func translate(_ sql: String) -> String {
        var output: [UInt8] = []
        let input = Array(sql.utf8)
        output.reserveCapacity(input.count + 16)
        var index = 0, next = 1
        var inQuote = false
        let collate = Array(" COLLATE NOCASE".utf8), cross = Array("CROSS JOIN ".utf8)
        func matches(_ word: [UInt8], at position: Int) -> Bool {
            position + word.count <= input.count && Array(input[position..<position + word.count]) == word
        }
        func isWordByte(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2E || c == 0x24
        }
        while index < input.count {
            let c = input[index]
            if c == UInt8(ascii: "'") {
                inQuote.toggle()
                output.append(c)
                index += 1
                continue
            }
            if inQuote {
                output.append(c)
                index += 1
                continue
            }
            if c == UInt8(ascii: "?") {
                var end = index + 1
                while end < input.count, input[end] >= 0x30, input[end] <= 0x39 { end += 1 }
                output.append(UInt8(ascii: "$"))
                if end > index + 1 {
                    output.append(contentsOf: input[(index + 1)..<end])
                } else {
                    output.append(contentsOf: Array(String(next).utf8))
                    next += 1
                }
                index = end
                continue
            }
            if c == UInt8(ascii: " ") && matches(collate, at: index) {
                // Wrap the word just written: a column or a parameter.
                var start = output.count
                while start > 0, isWordByte(output[start - 1]) { start -= 1 }
                let word = Array(output[start...])
                output.removeLast(output.count - start)
                output.append(contentsOf: Array("nocase(".utf8) + word + [UInt8(ascii: ")")])
                index += collate.count
                continue
            }
            if c == UInt8(ascii: "C") && matches(cross, at: index) && (index == 0 || !isWordByte(input[index - 1])) {
                output.append(contentsOf: Array("JOIN ".utf8))
                index += cross.count
                continue
            }
            output.append(c)
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
