import MindbeatCore

extension Commands {
    /// Writes man/ and completions/ under a directory (`make generate`).
    static let generate = Command(
        ["__generate"], group: .shell,
        summary: "write the man pages and completion scripts",
        positionals: [Positional(Key.directory, "the source directory")],
        hidden: true,
        action: .open { context, arguments in
            let root = try arguments.required(.directory)
            for (path, text) in generatedFiles() {
                let full = root + "/" + path
                if let slash = full.lastIndex(of: "/"), Directories.make(String(full[..<slash])) != nil {
                    throw CommandFailure.io("cannot create the directory of \(full)")
                }
                try Files.write(text, to: full)
                context.out.line("wrote \(path)")
            }
            let readmePath = root + "/README.md"
            guard let readme = try? context.readFile(readmePath, limit: 1 << 20),
                  let updated = ReadmeSections.apply(to: readme)
            else { throw CommandFailure.io("\(readmePath) has no generated section to update") }
            if updated != readme {
                try Files.write(updated, to: readmePath)
                context.out.line("wrote README.md")
            }
        }
    )

    /// Every generated file, by its path in the source tree.
    static func generatedFiles() -> [(String, String)] {
        ManPages(table: table).pages().map { ("man/" + $0.file, $0.text) }
            + CompletionScripts.Shell.allCases.map { ("completions/" + $0.fileName, CompletionScripts.script(for: $0)) }
            + [("docs/report.svg", ReportExample.made.svg)]
    }
}
