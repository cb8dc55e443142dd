#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// Outside data must never crash mindbeat: no `try!`, `as!` or force unwrap
/// anywhere in Sources/.
@Suite("Source checks")
struct SourceCheckTests {
    /// The Swift files under a directory.
    static func swiftFiles(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var files: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name != ".", name != ".." else { continue }
            let path = directory + "/" + name
            if entry.pointee.d_type == UInt8(DT_DIR) {
                files += swiftFiles(path)
            } else if name.hasSuffix(".swift") {
                files.append(path)
            }
        }
        return files.sorted()
    }

    /// The code with comments and string literals blanked out (line breaks
    /// kept, so that line numbers stay right).
    static func code(_ source: String) -> [Character] {
        let text = Array(source)
        var out: [Character] = []
        var index = 0
        func at(_ offset: Int) -> Character? { index + offset < text.count ? text[index + offset] : nil }
        while index < text.count {
            let character = text[index]
            if character == "/" && at(1) == "/" {
                while index < text.count && text[index] != "\n" { index += 1 }
            } else if character == "/" && at(1) == "*" {
                index += 2
                while index < text.count && !(text[index] == "*" && at(1) == "/") {
                    if text[index] == "\n" { out.append("\n") }
                    index += 1
                }
                index += 2
            } else if character == "\"" {
                let triple = at(1) == "\"" && at(2) == "\""
                index += triple ? 3 : 1
                var depth = 0
                while index < text.count {
                    if text[index] == "\\" && at(1) == "(" {
                        depth += 1
                        index += 2
                        continue
                    }
                    if depth > 0 {
                        if text[index] == "(" { depth += 1 }
                        if text[index] == ")" { depth -= 1 }
                        out.append(text[index])
                        index += 1
                        continue
                    }
                    if text[index] == "\\" { index += 2; continue }
                    if text[index] == "\n" { out.append("\n") }
                    if triple && text[index] == "\"" && at(1) == "\"" && at(2) == "\"" { index += 3; break }
                    if !triple && text[index] == "\"" { index += 1; break }
                    index += 1
                }
                out.append("\"")
            } else {
                out.append(character)
                index += 1
            }
        }
        return out
    }

    /// `path:line: what` for every trap found.
    static func traps(in path: String) -> [String] {
        guard let source = readText(path) else { return ["\(path): unreadable"] }
        let code = Self.code(source)
        var found: [String] = []
        var line = 1
        for (index, character) in code.enumerated() {
            if character == "\n" { line += 1 }
            guard character == "!", index > 0 else { continue }
            let previous = code[index - 1]
            let next: Character = index + 1 < code.count ? code[index + 1] : " "
            guard next != "=" else { continue }
            if previous.isLetter || previous.isNumber || previous == "_" || previous == ")" || previous == "]" || previous == ">" {
                let word = String(code[max(0, index - 5)..<index]).split(whereSeparator: { !$0.isLetter }).last.map(String.init) ?? ""
                let what = word == "try" ? "try!" : word == "as" ? "as!" : "force unwrap"
                found.append("\(path.dropFirst(packageRoot.count + 1)):\(line): \(what)")
            }
        }
        return found
    }

    @Test func noTrapsInSources() {
        let files = Self.swiftFiles(packageRoot + "/Sources")
        #expect(files.count > 20)
        let found = files.flatMap(Self.traps(in:))
        #expect(found.isEmpty, "traps in Sources/:\n\(found.joined(separator: "\n"))")
    }

    @Test func theCheckFindsWhatItLooksFor() {
        let sample = """
            let a = b!
            let c = try! d()
            let e = f as! G
            let h = x != y && !z // a comment with y!
            let s = "a string with x! in it"
            let t = "\\(u!)"
            """
        let directory = "/tmp/mindbeat-source-check-\(getpid())"
        mkdir(directory, 0o700)
        defer { _ = system("rm -rf '\(directory)'") }
        let path = directory + "/Sample.swift"
        let file = fopen(path, "w")
        fputs(sample, file)
        fclose(file)
        let lines = Self.traps(in: path).map { $0.split(separator: ":").dropFirst().joined(separator: ":") }
        #expect(lines == ["1: force unwrap", "2: try!", "3: as!", "6: force unwrap"])
    }

    /// The storage seam: SQL lives in the store (Sources/MindbeatCore/Store:
    /// the statements shared by both engines in SQL/, each engine's types in
    /// SQLite/ and PostgreSQL/), SQLite's C API only in SQLite/, libpq only
    /// in PostgreSQL/; the command line never names a backend.
    @Test func sqlAndEngineTypesStayInTheStore() {
        let store = packageRoot + "/Sources/MindbeatCore/Store/"
        let sqlWords = ["SQLValue", "SQLTransaction", "SQLConnection", "DatabaseError", "PGError", "Database(",
                        "SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "PRAGMA", "BEGIN "]
        let engineWords = [("SQLite/", ["import CSQLite", "sqlite3_"]), ("PostgreSQL/", ["libpq", "PQexec", "dlopen"])]
        var found: [String] = []
        for path in Self.swiftFiles(packageRoot + "/Sources") {
            guard let text = readText(path) else { continue }
            // Comments may explain what a backend does; code and strings may not do it.
            let source = text.split(separator: "\n").filter { !$0.drop { $0 == " " }.hasPrefix("//") }.joined(separator: "\n")
            let shown = path.dropFirst(packageRoot.count + 1)
            if !path.hasPrefix(store) {
                for word in sqlWords where source.contains(word) { found.append("\(shown): \(word)") }
            }
            for (folder, words) in engineWords where !path.hasPrefix(store + folder) {
                for word in words where String(Self.code(source)).contains(word) { found.append("\(shown): \(word)") }
            }
            if path.contains("/MindbeatCLI/") && (String(Self.code(source)).contains("SQLite") || String(Self.code(source)).contains("Postgres")) {
                found.append("\(shown): names a backend")
            }
        }
        #expect(found.isEmpty, "outside their place in the store:\n\(found.joined(separator: "\n"))")
    }

    /// The core speaks the domain: no option names or command lines in its
    /// strings (the command line turns its data into words).
    @Test func theCoreSpeaksNoCommandLine() {
        var found: [String] = []
        for path in Self.swiftFiles(packageRoot + "/Sources/MindbeatCore") {
            guard let source = readText(path) else { continue }
            var line = 0
            for text in source.split(separator: "\n", omittingEmptySubsequences: false) {
                line += 1
                let code = text.split(separator: "//").first.map(String.init) ?? ""
                guard code.contains("\"") else { continue }
                if code.contains("\"mindbeat ") || code.contains(" --") || code.contains("\"--") || code.contains("mindbeat attend") {
                    found.append("\(path.dropFirst(packageRoot.count + 1)):\(line)")
                }
            }
        }
        #expect(found.isEmpty, "command-line words in MindbeatCore:\n\(found.joined(separator: "\n"))")
    }
}
