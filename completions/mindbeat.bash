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
                'sessions list') echo 'sessions list'; return ;;
                'sessions show') echo 'sessions show'; return ;;
                'sessions add') echo 'sessions add'; return ;;
                'help call') echo 'help call'; return ;;
                'notes add') echo 'notes add'; return ;;
                'notes list') echo 'notes list'; return ;;
                'feedback show') echo 'feedback show'; return ;;
                'users add') echo 'users add'; return ;;
                'users list') echo 'users list'; return ;;
                'outbox send') echo 'outbox send'; return ;;
    esac
    echo "$first"
}

_mindbeat_value_options() {
    # Options of a command that take a value.
    case "$1" in
        'sessions list') echo --member --from --to --db ;;
        'sessions show') echo --db ;;
        'sessions add') echo --at --member --coach --duration --db ;;
        'attend') echo --db ;;
        'status') echo --db ;;
        'chat') echo --db ;;
        'contact') echo --via --note --db ;;
        'switch') echo --db ;;
        'end') echo --db ;;
        'help call') echo --db ;;
        'notes add') echo --session --member --db ;;
        'notes list') echo --session --member --db ;;
        'feedback') echo --rating --comment --db ;;
        'feedback show') echo --db ;;
        'init') echo --name --email --db ;;
        'login') echo --db ;;
        'logout') echo --db ;;
        'whoami') echo --db ;;
        'passwd') echo --db ;;
        'users add') echo --role --name --email --coach --manager --phone --zoom --db ;;
        'users list') echo --role --db ;;
        'profile') echo --phone --zoom --db ;;
        'members') echo --db ;;
        'outbox') echo --db ;;
        'outbox send') echo --db ;;
        'help') echo --db ;;
        'completions') echo --db ;;
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
            'sessions list --member') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete members 2>/dev/null)" -- "$cur")) ;;
            'sessions add --member') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete members 2>/dev/null)" -- "$cur")) ;;
            'sessions add --coach') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete members 2>/dev/null)" -- "$cur")) ;;
            'contact --via') COMPREPLY=($(compgen -W 'email phone chat' -- "$cur")) ;;
            'notes add --session') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete sessions 2>/dev/null)" -- "$cur")) ;;
            'notes add --member') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete members 2>/dev/null)" -- "$cur")) ;;
            'notes list --session') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete sessions 2>/dev/null)" -- "$cur")) ;;
            'notes list --member') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete members 2>/dev/null)" -- "$cur")) ;;
            'init --email') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete members 2>/dev/null)" -- "$cur")) ;;
            'users add --role') COMPREPLY=($(compgen -W 'coach member manager' -- "$cur")) ;;
            'users add --email') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete members 2>/dev/null)" -- "$cur")) ;;
            'users add --coach') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete members 2>/dev/null)" -- "$cur")) ;;
            'users add --manager') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete members 2>/dev/null)" -- "$cur")) ;;
            'users list --role') COMPREPLY=($(compgen -W 'coach member manager' -- "$cur")) ;;
            *' --db') COMPREPLY=($(compgen -f -- "$cur")) ;;
        esac
        return 0
    fi

    # A command, or the subcommand of a group.
    if [[ -z "$path" ]]; then
        if [[ "$cur" == -* ]]; then
            COMPREPLY=($(compgen -W '--db --help --version' -- "$cur"))
        else
            COMPREPLY=($(compgen -W 'sessions attend status chat contact switch end help notes feedback init login logout whoami passwd users profile members outbox completions' -- "$cur"))
        fi
        return 0
    fi
    case "$path" in
        'sessions') COMPREPLY=($(compgen -W 'list show add' -- "$cur")); return 0 ;;
        'notes') COMPREPLY=($(compgen -W 'add list' -- "$cur")); return 0 ;;
        'users') COMPREPLY=($(compgen -W 'add list' -- "$cur")); return 0 ;;
    esac

    # Options.
    if [[ "$cur" == -* ]]; then
        case "$path" in
            'sessions list') COMPREPLY=($(compgen -W '--upcoming --past --all --member --from --to --json --help --db' -- "$cur")) ;;
            'sessions show') COMPREPLY=($(compgen -W '--json --help --db' -- "$cur")) ;;
            'sessions add') COMPREPLY=($(compgen -W '--at --member --coach --duration --help --db' -- "$cur")) ;;
            'attend') COMPREPLY=($(compgen -W '--help --db' -- "$cur")) ;;
            'status') COMPREPLY=($(compgen -W '--json --help --db' -- "$cur")) ;;
            'chat') COMPREPLY=($(compgen -W '--json --help --db' -- "$cur")) ;;
            'contact') COMPREPLY=($(compgen -W '--via --note --help --db' -- "$cur")) ;;
            'switch') COMPREPLY=($(compgen -W '--zoom --phone --platform --help --db' -- "$cur")) ;;
            'end') COMPREPLY=($(compgen -W '--held --missed --help --db' -- "$cur")) ;;
            'help call') COMPREPLY=($(compgen -W '--help --db' -- "$cur")) ;;
            'notes add') COMPREPLY=($(compgen -W '--session --member --shared --private --help --db' -- "$cur")) ;;
            'notes list') COMPREPLY=($(compgen -W '--session --member --json --help --db' -- "$cur")) ;;
            'feedback') COMPREPLY=($(compgen -W '--rating --comment --json --help --db' -- "$cur")) ;;
            'feedback show') COMPREPLY=($(compgen -W '--json --help --db' -- "$cur")) ;;
            'init') COMPREPLY=($(compgen -W '--name --email --password-stdin --help --db' -- "$cur")) ;;
            'login') COMPREPLY=($(compgen -W '--password-stdin --help --db' -- "$cur")) ;;
            'logout') COMPREPLY=($(compgen -W '--help --db' -- "$cur")) ;;
            'whoami') COMPREPLY=($(compgen -W '--json --help --db' -- "$cur")) ;;
            'passwd') COMPREPLY=($(compgen -W '--password-stdin --help --db' -- "$cur")) ;;
            'users add') COMPREPLY=($(compgen -W '--role --name --email --coach --manager --phone --zoom --admin --password-stdin --help --db' -- "$cur")) ;;
            'users list') COMPREPLY=($(compgen -W '--role --json --help --db' -- "$cur")) ;;
            'profile') COMPREPLY=($(compgen -W '--phone --zoom --json --help --db' -- "$cur")) ;;
            'members') COMPREPLY=($(compgen -W '--json --help --db' -- "$cur")) ;;
            'outbox') COMPREPLY=($(compgen -W '--json --help --db' -- "$cur")) ;;
            'outbox send') COMPREPLY=($(compgen -W '--help --db' -- "$cur")) ;;
            'help') COMPREPLY=($(compgen -W '--help --db' -- "$cur")) ;;
            'completions') COMPREPLY=($(compgen -W '--help --db' -- "$cur")) ;;
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
        'sessions show 0') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete sessions 2>/dev/null)" -- "$cur")) ;;
        'attend 0') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete sessions 2>/dev/null)" -- "$cur")) ;;
        'status 0') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete sessions 2>/dev/null)" -- "$cur")) ;;
        'chat 0') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete sessions 2>/dev/null)" -- "$cur")) ;;
        'contact 0') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete sessions 2>/dev/null)" -- "$cur")) ;;
        'switch 0') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete sessions 2>/dev/null)" -- "$cur")) ;;
        'end 0') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete sessions 2>/dev/null)" -- "$cur")) ;;
        'feedback 0') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete sessions 2>/dev/null)" -- "$cur")) ;;
        'feedback show 0') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete sessions 2>/dev/null)" -- "$cur")) ;;
        'login 0') COMPREPLY=($(compgen -W "$(mindbeat "${db[@]}" __complete members 2>/dev/null)" -- "$cur")) ;;
        'help '*) COMPREPLY=($(compgen -W 'sessions attend status chat contact switch end help notes feedback init login logout whoami passwd users profile members outbox completions call' -- "$cur")) ;;
        'completions 0') COMPREPLY=($(compgen -W 'bash zsh fish' -- "$cur")) ;;
    esac
    return 0
}

complete -F _mindbeat mindbeat
