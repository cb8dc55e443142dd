/// bash, zsh and fish completion scripts, made from the command table. Session
/// ids and member emails are asked of the binary while completing (the hidden
/// `__complete` command), so the scripts never change with the data.
struct CompletionScripts {
    let table: [Command]

    enum Shell: String, CaseIterable {
        case bash, zsh, fish

        /// The file name under completions/.
        var fileName: String {
            switch self {
            case .bash: return "mindbeat.bash"
            case .zsh: return "_mindbeat"
            case .fish: return "mindbeat.fish"
            }
        }
    }

    func script(for shell: Shell) -> String {
        switch shell {
        case .bash: return bash()
        case .zsh: return zsh()
        case .fish: return fish()
        }
    }

    var visible: [Command] { table.filter { !$0.hidden } }

    /// First words: commands and group names.
    var topWords: [String] {
        var seen: [String] = []
        for command in visible where !seen.contains(command.path[0]) { seen.append(command.path[0]) }
        return seen
    }

    /// Group names and their subcommands.
    var groups: [(String, [String])] {
        topWords.compactMap { word in
            let children = visible.filter { $0.path.count == 2 && $0.path[0] == word }.map { $0.path[1] }
            return children.isEmpty ? nil : (word, children)
        }
    }

    /// Two-word command paths, `sessions list`, as the scripts match them.
    var subcommandPaths: [String] {
        visible.filter { $0.path.count == 2 }.map(\.name)
    }

    func summary(ofWord word: String) -> String {
        if let command = visible.first(where: { $0.path == [word] }) { return command.summary }
        return word + " commands"
    }

    static func quoted(_ words: [String]) -> String { words.joined(separator: " ") }

    static func shellQuote(_ text: String) -> String {
        "'" + text.replacing("'", with: "'\\''") + "'"
    }

    /// What a value completes to, in any shell.
    enum Candidates {
        case words([String])
        /// Asked of the binary: `mindbeat __complete KIND`.
        case dynamic(String)
        case files
        /// Nothing to offer; the placeholder says what is wanted.
        case nothing(String)
    }

    func candidates(_ kind: ValueKind, placeholder: String) -> Candidates {
        switch kind.completion {
        case .words(let words): return .words(words)
        case .sessions: return .dynamic("sessions")
        case .members: return .dynamic("members")
        case .files: return .files
        case .commands: return .words(topWords + ["call"])
        case .none: return .nothing(placeholder)
        }
    }

    /// One case of a shell's `case` statement: a pattern (quoted, with an
    /// optional trailing glob) and what it completes to.
    struct CompletionCase {
        let pattern: String
        let candidates: Candidates
    }

    /// The values of options: `'end --via'`.
    var optionValueCases: [CompletionCase] {
        visible.flatMap { command in
            command.options.compactMap { option in
                option.value.map {
                    CompletionCase(pattern: CompletionScripts.shellQuote(command.name + " " + option.spelled),
                                   candidates: candidates($0, placeholder: option.placeholder))
                }
            }
        }
    }

    /// Positional arguments by how many came before: `'end 0'`, `'help '*`.
    var positionalCases: [CompletionCase] {
        visible.flatMap { command in
            command.positionals.enumerated().map { index, positional in
                CompletionCase(
                    pattern: positional.variadic ? CompletionScripts.shellQuote(command.name + " ") + "*"
                        : CompletionScripts.shellQuote("\(command.name) \(index)"),
                    candidates: candidates(positional.kind, placeholder: positional.name))
            }
        }
    }

    /// A bash `case` arm, or nil when there is nothing to offer.
    func bashArm(_ arm: CompletionCase, indent: String) -> String? {
        let reply: String
        switch arm.candidates {
        case .words(let words): reply = "COMPREPLY=($(compgen -W \(CompletionScripts.shellQuote(CompletionScripts.quoted(words))) -- \"$cur\"))"
        case .dynamic(let kind): reply = "COMPREPLY=($(compgen -W \"$(mindbeat \"${db[@]}\" __complete \(kind) 2>/dev/null)\" -- \"$cur\"))"
        case .files: reply = "COMPREPLY=($(compgen -f -- \"$cur\"))"
        case .nothing: return nil
        }
        return "\(indent)\(arm.pattern)) \(reply) ;;\n"
    }

    /// A zsh `case` arm.
    func zshArm(_ arm: CompletionCase, indent: String) -> String {
        let action: String
        switch arm.candidates {
        case .words(let words): action = "compadd -- \(CompletionScripts.quoted(words))"
        case .dynamic(let kind): action = "compadd -- ${(f)\"$(mindbeat $db __complete \(kind) 2>/dev/null)\"}"
        case .files: action = "_files"
        case .nothing(let placeholder): action = "_message \(CompletionScripts.shellQuote(placeholder))"
        }
        return "\(indent)\(arm.pattern)) \(action) ;;\n"
    }

    // MARK: bash

    func bash() -> String {
        var s = """
        # bash completion for mindbeat. Generated from the mindbeat command table by
        # 'make generate'; do not edit. Session ids and member emails come from the
        # binary itself: mindbeat __complete sessions|members.

        _mindbeat_path() {
            # The command path in words "$@" (options and their values left out).
            local first="" second="" w
            for w in "$@"; do
                case "$w" in
                    -*) continue ;;
                esac
                if [[ -z "$first" ]]; then first="$w"; else second="$w"; break; fi
            done
            case "$first $second" in

        """
        for path in subcommandPaths {
            s += "                \(CompletionScripts.shellQuote(path))) echo \(CompletionScripts.shellQuote(path)); return ;;\n"
        }
        s += """
            esac
            echo "$first"
        }

        _mindbeat_value_options() {
            # Options of a command that take a value.
            case "$1" in

        """
        for command in visible {
            let names = command.options.filter { $0.value != nil }.map(\.spelled) + ["--db"]
            s += "        \(CompletionScripts.shellQuote(command.name))) echo \(CompletionScripts.quoted(names)) ;;\n"
        }
        s += """
                *) echo --db ;;
            esac
        }

        _mindbeat() {
            local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
            local -a before=() db=()
            local i w
            for ((i = 1; i < COMP_CWORD; i++)); do
                w="${COMP_WORDS[i]}"
                case "$w" in
                    --db) db=(--db "${COMP_WORDS[i+1]}"); ((i++)); before+=(--db) ;;
                    --db=*) db=("$w"); before+=("$w") ;;
                    *) before+=("$w") ;;
                esac
            done
            local path
            path=$(_mindbeat_path "${before[@]}")
            COMPREPLY=()

            # The value of an option.
            if [[ "$prev" == --* && " $(_mindbeat_value_options "$path") " == *" $prev "* ]]; then
                case "$path $prev" in

        """
        for arm in optionValueCases { s += bashArm(arm, indent: "            ") ?? "" }
        s += """
                    *' --db') COMPREPLY=($(compgen -f -- "$cur")) ;;
                esac
                return 0
            fi

            # A command, or the subcommand of a group.
            if [[ -z "$path" ]]; then
                if [[ "$cur" == -* ]]; then
                    COMPREPLY=($(compgen -W '--db --help --version' -- "$cur"))
                else
                    COMPREPLY=($(compgen -W '\(CompletionScripts.quoted(topWords))' -- "$cur"))
                fi
                return 0
            fi
            case "$path" in

        """
        for (group, children) in groups where !visible.contains(where: { $0.path == [group] }) {
            s += "        \(CompletionScripts.shellQuote(group))) COMPREPLY=($(compgen -W \(CompletionScripts.shellQuote(CompletionScripts.quoted(children))) -- \"$cur\")); return 0 ;;\n"
        }
        s += """
            esac

            # Options.
            if [[ "$cur" == -* ]]; then
                case "$path" in

        """
        for command in visible {
            let names = command.options.map(\.spelled) + ["--help", "--db"]
            s += "            \(CompletionScripts.shellQuote(command.name))) COMPREPLY=($(compgen -W \(CompletionScripts.shellQuote(CompletionScripts.quoted(names))) -- \"$cur\")) ;;\n"
        }
        s += """
                esac
                return 0
            fi

            # Positional arguments: count those already given after the path.
            local -a pathwords
            read -r -a pathwords <<< "$path"
            local seen=0 skip=0 given=0
            local values=" $(_mindbeat_value_options "$path") "
            for w in "${before[@]}"; do
                if ((skip)); then skip=0; continue; fi
                if [[ "$w" == -* ]]; then
                    [[ "$values" == *" $w "* ]] && skip=1
                    continue
                fi
                if ((seen < ${#pathwords[@]})); then ((seen++)); continue; fi
                ((given++))
            done
            case "$path $given" in

        """
        for arm in positionalCases { s += bashArm(arm, indent: "        ") ?? "" }
        s += """
            esac
            return 0
        }

        complete -F _mindbeat mindbeat

        """
        return s
    }

    // MARK: zsh

    func zsh() -> String {
        var s = """
        #compdef mindbeat
        # zsh completion for mindbeat. Generated from the mindbeat command table by
        # 'make generate'; do not edit. Session ids and member emails come from the
        # binary itself: mindbeat __complete sessions|members.

        _mindbeat() {
          local -a before db pathwords
          local cur=${words[CURRENT]} prev=${words[CURRENT-1]}
          local i w first second path
          for (( i = 2; i < CURRENT; i++ )); do
            w=${words[i]}
            case $w in
              --db) db=(--db ${words[i+1]}); before+=(--db); (( i++ )) ;;
              --db=*) db=($w); before+=($w) ;;
              *) before+=($w) ;;
            esac
          done
          for w in $before; do
            [[ $w == -* ]] && continue
            if [[ -z $first ]]; then first=$w; else second=$w; break; fi
          done
          path=$first
          case "$first $second" in

        """
        for path in subcommandPaths {
            s += "    \(CompletionScripts.shellQuote(path))) path=\(CompletionScripts.shellQuote(path)) ;;\n"
        }
        s += """
          esac

          local values
          case $path in

        """
        for command in visible {
            let names = command.options.filter { $0.value != nil }.map(\.spelled) + ["--db"]
            s += "    \(CompletionScripts.shellQuote(command.name))) values=\(CompletionScripts.shellQuote(" " + CompletionScripts.quoted(names) + " ")) ;;\n"
        }
        s += """
            *) values=' --db ' ;;
          esac

          # The value of an option.
          if [[ $prev == --* && $values == *" $prev "* ]]; then
            case "$path $prev" in

        """
        for arm in optionValueCases { s += zshArm(arm, indent: "      ") }
        s += """
              *' --db') _files ;;
            esac
            return
          fi

          if [[ -z $path ]]; then
            if [[ $cur == -* ]]; then
              compadd -- --db --help --version
            else
              local -a commands
              commands=(

        """
        for word in topWords {
            s += "        \(CompletionScripts.shellQuote(word + ":" + summary(ofWord: word)))\n"
        }
        s += """
              )
              _describe command commands
            fi
            return
          fi
          case $path in

        """
        for (group, children) in groups where !visible.contains(where: { $0.path == [group] }) {
            s += "    \(CompletionScripts.shellQuote(group))) compadd -- \(CompletionScripts.quoted(children)); return ;;\n"
        }
        s += """
          esac

          if [[ $cur == -* ]]; then
            case $path in

        """
        for command in visible {
            let names = command.options.map(\.spelled) + ["--help", "--db"]
            s += "      \(CompletionScripts.shellQuote(command.name))) compadd -- \(CompletionScripts.quoted(names)) ;;\n"
        }
        s += """
            esac
            return
          fi

          pathwords=(${(s: :)path})
          local seen=0 skip=0 given=0
          for w in $before; do
            if (( skip )); then skip=0; continue; fi
            if [[ $w == -* ]]; then
              [[ $values == *" $w "* ]] && skip=1
              continue
            fi
            if (( seen < ${#pathwords} )); then (( seen++ )); continue; fi
            (( given++ ))
          done
          case "$path $given" in

        """
        for arm in positionalCases where { if case .nothing = arm.candidates { return false } else { return true } }() {
            s += zshArm(arm, indent: "    ")
        }
        s += """
          esac
        }

        if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
          _mindbeat "$@"
        else
          compdef _mindbeat mindbeat
        fi

        """
        return s
    }

    // MARK: fish

    func fish() -> String {
        var s = """
        # fish completion for mindbeat. Generated from the mindbeat command table by
        # 'make generate'; do not edit. Session ids and member emails come from the
        # binary itself: mindbeat __complete sessions|members.

        function __mindbeat_path --description 'The mindbeat command being completed'
            set -l first
            set -l second
            for w in (commandline -opc)[2..-1]
                string match -q -- '-*' $w; and continue
                if test -z "$first"
                    set first $w
                else
                    set second $w
                    break
                end
            end
            switch "$first $second"

        """
        for path in subcommandPaths {
            s += "        case \(CompletionScripts.shellQuote(path))\n            echo \(CompletionScripts.shellQuote(path))\n            return\n"
        }
        s += """
            end
            echo $first
        end

        function __mindbeat_is --description 'Whether the command being completed is this one'
            test (__mindbeat_path) = "$argv"
        end

        function __mindbeat_value_options
            switch $argv[1]

        """
        for command in visible {
            let names = command.options.filter { $0.value != nil }.map(\.spelled) + ["--db"]
            s += "        case \(CompletionScripts.shellQuote(command.name))\n            echo \(CompletionScripts.quoted(names))\n"
        }
        s += """
                case '*'
                echo --db
            end
        end

        function __mindbeat_given --description 'How many arguments follow the command path'
            set -l path (__mindbeat_path)
            set -l pathwords (string split ' ' -- $path)
            set -l values (string split ' ' -- (__mindbeat_value_options $path))
            set -l seen 0
            set -l skip 0
            set -l given 0
            for w in (commandline -opc)[2..-1]
                if test $skip -eq 1
                    set skip 0
                    continue
                end
                if string match -q -- '-*' $w
                    contains -- $w $values; and set skip 1
                    continue
                end
                if test $seen -lt (count $pathwords)
                    set seen (math $seen + 1)
                    continue
                end
                set given (math $given + 1)
            end
            echo $given
        end

        function __mindbeat_db --description 'The --db option given, for the dynamic completions'
            set -l tokens (commandline -opc)
            for i in (seq (count $tokens))
                if test "$tokens[$i]" = --db
                    set -l next (math $i + 1)
                    test $next -le (count $tokens); and echo --db $tokens[$next]
                else if string match -q -- '--db=*' $tokens[$i]
                    echo $tokens[$i]
                end
            end
        end

        complete -c mindbeat -f
        complete -c mindbeat -n 'test -z (__mindbeat_path)' -l db -r -F -d 'the database to use'
        complete -c mindbeat -n 'test -z (__mindbeat_path)' -l version -d 'print the version'
        complete -c mindbeat -s h -l help -d 'show help'

        """
        for word in topWords {
            s += "complete -c mindbeat -n 'test -z (__mindbeat_path)' -a \(CompletionScripts.shellQuote(word)) -d \(CompletionScripts.shellQuote(summary(ofWord: word)))\n"
        }
        for (group, children) in groups {
            for child in children {
                let summary = visible.first { $0.path == [group, child] }?.summary ?? ""
                s += "complete -c mindbeat -n '__mindbeat_is \(group)' -a \(CompletionScripts.shellQuote(child)) -d \(CompletionScripts.shellQuote(summary))\n"
            }
        }
        for command in visible {
            let condition = CompletionScripts.shellQuote("__mindbeat_is \(command.name)")
            for option in command.options {
                var line = "complete -c mindbeat -n \(condition) -l \(option.name)"
                if let kind = option.value {
                    switch candidates(kind, placeholder: option.placeholder) {
                    case .files: line += " -r -F"
                    case .nothing: line += " -x"
                    case let other: line += " -x -a " + fishArguments(other)
                    }
                }
                s += line + " -d \(CompletionScripts.shellQuote(option.help))\n"
            }
            for (index, positional) in command.positionals.enumerated() {
                let given = positional.variadic ? "" : "; and test (__mindbeat_given) -eq \(index)"
                let positionalCondition = CompletionScripts.shellQuote("__mindbeat_is \(command.name)" + given)
                switch candidates(positional.kind, placeholder: positional.name) {
                case .files, .nothing: break
                case let other: s += "complete -c mindbeat -n \(positionalCondition) -a \(fishArguments(other))\n"
                }
            }
        }
        return s
    }

    /// The `-a` argument of a fish completion: words, or a call back into mindbeat.
    func fishArguments(_ candidates: Candidates) -> String {
        switch candidates {
        case .words(let words): return CompletionScripts.shellQuote(CompletionScripts.quoted(words))
        case .dynamic(let kind): return CompletionScripts.shellQuote("(mindbeat (__mindbeat_db) __complete \(kind) 2>/dev/null)")
        case .files, .nothing: return "''"
        }
    }
}

extension ValueKind {
    /// The completion a shell offers for a value of this kind.
    var completion: Completion {
        switch self {
        case .sessionID: return .sessions
        case .email: return .members
        case .choice(let words): return .words(words)
        case .path: return .files
        case .commandName: return .commands
        default: return .none
        }
    }
}

/// How a shell completes a value.
enum Completion: Equatable, Sendable {
    case none
    case words([String])
    case files
    case commands
    /// Session ids, asked of the binary when completing.
    case sessions
    /// Member emails, asked of the binary when completing.
    case members
}
