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
        case 'sessions list'
            echo 'sessions list'
            return
        case 'sessions show'
            echo 'sessions show'
            return
        case 'sessions add'
            echo 'sessions add'
            return
        case 'help call'
            echo 'help call'
            return
        case 'notes add'
            echo 'notes add'
            return
        case 'notes list'
            echo 'notes list'
            return
        case 'feedback show'
            echo 'feedback show'
            return
        case 'users add'
            echo 'users add'
            return
        case 'users list'
            echo 'users list'
            return
        case 'outbox send'
            echo 'outbox send'
            return
    end
    echo $first
end

function __mindbeat_is --description 'Whether the command being completed is this one'
    test (__mindbeat_path) = "$argv"
end

function __mindbeat_value_options
    switch $argv[1]
        case 'sessions list'
            echo --member --from --to --db
        case 'sessions show'
            echo --db
        case 'sessions add'
            echo --at --member --coach --duration --db
        case 'attend'
            echo --db
        case 'status'
            echo --db
        case 'chat'
            echo --db
        case 'contact'
            echo --via --note --db
        case 'switch'
            echo --db
        case 'end'
            echo --db
        case 'help call'
            echo --db
        case 'notes add'
            echo --session --member --db
        case 'notes list'
            echo --session --member --db
        case 'feedback'
            echo --rating --comment --db
        case 'feedback show'
            echo --db
        case 'init'
            echo --name --email --db
        case 'login'
            echo --db
        case 'logout'
            echo --db
        case 'whoami'
            echo --db
        case 'passwd'
            echo --db
        case 'users add'
            echo --role --name --email --coach --manager --phone --zoom --db
        case 'users list'
            echo --role --db
        case 'profile'
            echo --phone --zoom --db
        case 'members'
            echo --db
        case 'outbox'
            echo --db
        case 'outbox send'
            echo --db
        case 'help'
            echo --db
        case 'completions'
            echo --db
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
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'sessions' -d 'sessions commands'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'attend' -d 'join a session; the coach'\''s join starts the counter'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'status' -d 'where a session stands and what the protocol allows next'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'chat' -d 'send to a session'\''s chat, or read it'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'contact' -d 'record an attempt to reach a member who has not joined'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'switch' -d 'move a session to Zoom or the phone, or back to the platform'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'end' -d 'end a session as held or missed'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'help' -d 'show help for mindbeat or a command'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'notes' -d 'notes commands'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'feedback' -d 'leave feedback on a held session, or list those awaiting yours'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'init' -d 'create the database and its first account, and log in'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'login' -d 'log in to this database'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'logout' -d 'revoke the login in use'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'whoami' -d 'show the account you are logged in as'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'passwd' -d 'change your password'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'users' -d 'users commands'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'profile' -d 'show or update your profile'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'members' -d 'My Members: your members, or a manager'\''s reports'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'outbox' -d 'list the email notices and their status (admin)'
complete -c mindbeat -n 'test -z (__mindbeat_path)' -a 'completions' -d 'print the completion script for a shell'
complete -c mindbeat -n '__mindbeat_is sessions' -a 'list' -d 'list your sessions'
complete -c mindbeat -n '__mindbeat_is sessions' -a 'show' -d 'show one session'
complete -c mindbeat -n '__mindbeat_is sessions' -a 'add' -d 'schedule a session'
complete -c mindbeat -n '__mindbeat_is help' -a 'call' -d 'tips for fixing video-call problems'
complete -c mindbeat -n '__mindbeat_is notes' -a 'add' -d 'write a shared or private note'
complete -c mindbeat -n '__mindbeat_is notes' -a 'list' -d 'list the notes you may read'
complete -c mindbeat -n '__mindbeat_is feedback' -a 'show' -d 'show the feedback on a session that you may read'
complete -c mindbeat -n '__mindbeat_is users' -a 'add' -d 'add an account'
complete -c mindbeat -n '__mindbeat_is users' -a 'list' -d 'list the accounts (admin)'
complete -c mindbeat -n '__mindbeat_is outbox' -a 'send' -d 'deliver the due notices through sendmail'
complete -c mindbeat -n '__mindbeat_is sessions list' -l upcoming -d 'open sessions, oldest first (the default)'
complete -c mindbeat -n '__mindbeat_is sessions list' -l past -d 'ended sessions, newest first'
complete -c mindbeat -n '__mindbeat_is sessions list' -l all -d 'every session, oldest first'
complete -c mindbeat -n '__mindbeat_is sessions list' -l member -x -a '(mindbeat (__mindbeat_db) __complete members 2>/dev/null)' -d 'only the sessions of this member'
complete -c mindbeat -n '__mindbeat_is sessions list' -l from -x -d 'only sessions starting at or after TIME'
complete -c mindbeat -n '__mindbeat_is sessions list' -l to -x -d 'only sessions starting before TIME'
complete -c mindbeat -n '__mindbeat_is sessions list' -l json -d 'print JSON instead of text'
complete -c mindbeat -n '__mindbeat_is sessions show' -l json -d 'print JSON instead of text'
complete -c mindbeat -n '__mindbeat_is sessions show; and test (__mindbeat_given) -eq 0' -a '(mindbeat (__mindbeat_db) __complete sessions 2>/dev/null)'
complete -c mindbeat -n '__mindbeat_is sessions add' -l at -x -d 'the start: 2026-12-01 10:00 (local), an RFC 3339 time, +2h, +1d …'
complete -c mindbeat -n '__mindbeat_is sessions add' -l member -x -a '(mindbeat (__mindbeat_db) __complete members 2>/dev/null)' -d 'the member (a coach or admin names them)'
complete -c mindbeat -n '__mindbeat_is sessions add' -l coach -x -a '(mindbeat (__mindbeat_db) __complete members 2>/dev/null)' -d 'the coach (an admin names them; default: you)'
complete -c mindbeat -n '__mindbeat_is sessions add' -l duration -x -d 'the length in minutes, 1 to 1440 (default 60)'
complete -c mindbeat -n '__mindbeat_is attend; and test (__mindbeat_given) -eq 0' -a '(mindbeat (__mindbeat_db) __complete sessions 2>/dev/null)'
complete -c mindbeat -n '__mindbeat_is status' -l json -d 'print JSON instead of text'
complete -c mindbeat -n '__mindbeat_is status; and test (__mindbeat_given) -eq 0' -a '(mindbeat (__mindbeat_db) __complete sessions 2>/dev/null)'
complete -c mindbeat -n '__mindbeat_is chat' -l json -d 'print JSON instead of text'
complete -c mindbeat -n '__mindbeat_is chat; and test (__mindbeat_given) -eq 0' -a '(mindbeat (__mindbeat_db) __complete sessions 2>/dev/null)'
complete -c mindbeat -n '__mindbeat_is contact' -l via -x -a 'email phone chat' -d 'how you tried to reach the member'
complete -c mindbeat -n '__mindbeat_is contact' -l note -x -d 'a note: for you only, or the chat line with --via chat'
complete -c mindbeat -n '__mindbeat_is contact; and test (__mindbeat_given) -eq 0' -a '(mindbeat (__mindbeat_db) __complete sessions 2>/dev/null)'
complete -c mindbeat -n '__mindbeat_is switch' -l zoom -d 'switch to Zoom'
complete -c mindbeat -n '__mindbeat_is switch' -l phone -d 'switch to the phone'
complete -c mindbeat -n '__mindbeat_is switch' -l platform -d 'switch back to the platform'
complete -c mindbeat -n '__mindbeat_is switch; and test (__mindbeat_given) -eq 0' -a '(mindbeat (__mindbeat_db) __complete sessions 2>/dev/null)'
complete -c mindbeat -n '__mindbeat_is end' -l held -d 'the session took place'
complete -c mindbeat -n '__mindbeat_is end' -l missed -d 'the member did not come, and you followed the protocol'
complete -c mindbeat -n '__mindbeat_is end; and test (__mindbeat_given) -eq 0' -a '(mindbeat (__mindbeat_db) __complete sessions 2>/dev/null)'
complete -c mindbeat -n '__mindbeat_is notes add' -l session -x -a '(mindbeat (__mindbeat_db) __complete sessions 2>/dev/null)' -d 'the session the note is on'
complete -c mindbeat -n '__mindbeat_is notes add' -l member -x -a '(mindbeat (__mindbeat_db) __complete members 2>/dev/null)' -d 'the member whose profile the note is on'
complete -c mindbeat -n '__mindbeat_is notes add' -l shared -d 'the other party may read it (after the session ends)'
complete -c mindbeat -n '__mindbeat_is notes add' -l private -d 'only you may read it'
complete -c mindbeat -n '__mindbeat_is notes list' -l session -x -a '(mindbeat (__mindbeat_db) __complete sessions 2>/dev/null)' -d 'only the notes of this session'
complete -c mindbeat -n '__mindbeat_is notes list' -l member -x -a '(mindbeat (__mindbeat_db) __complete members 2>/dev/null)' -d 'only the notes about this member'
complete -c mindbeat -n '__mindbeat_is notes list' -l json -d 'print JSON instead of text'
complete -c mindbeat -n '__mindbeat_is feedback' -l rating -x -d 'how the session went, from 1 to 5'
complete -c mindbeat -n '__mindbeat_is feedback' -l comment -x -d 'a comment, up to 4 KiB'
complete -c mindbeat -n '__mindbeat_is feedback' -l json -d 'print JSON instead of text'
complete -c mindbeat -n '__mindbeat_is feedback; and test (__mindbeat_given) -eq 0' -a '(mindbeat (__mindbeat_db) __complete sessions 2>/dev/null)'
complete -c mindbeat -n '__mindbeat_is feedback show' -l json -d 'print JSON instead of text'
complete -c mindbeat -n '__mindbeat_is feedback show; and test (__mindbeat_given) -eq 0' -a '(mindbeat (__mindbeat_db) __complete sessions 2>/dev/null)'
complete -c mindbeat -n '__mindbeat_is init' -l name -x -d 'your name, as members see it'
complete -c mindbeat -n '__mindbeat_is init' -l email -x -a '(mindbeat (__mindbeat_db) __complete members 2>/dev/null)' -d 'your email address, which you log in with'
complete -c mindbeat -n '__mindbeat_is init' -l password-stdin -d 'read the password as one line from standard input instead of asking on the terminal'
complete -c mindbeat -n '__mindbeat_is login' -l password-stdin -d 'read the password as one line from standard input instead of asking on the terminal'
complete -c mindbeat -n '__mindbeat_is login; and test (__mindbeat_given) -eq 0' -a '(mindbeat (__mindbeat_db) __complete members 2>/dev/null)'
complete -c mindbeat -n '__mindbeat_is whoami' -l json -d 'print JSON instead of text'
complete -c mindbeat -n '__mindbeat_is passwd' -l password-stdin -d 'read the password as one line from standard input instead of asking on the terminal'
complete -c mindbeat -n '__mindbeat_is users add' -l role -x -a 'coach member manager' -d 'coach, member or manager'
complete -c mindbeat -n '__mindbeat_is users add' -l name -x -d 'the person'\''s name'
complete -c mindbeat -n '__mindbeat_is users add' -l email -x -a '(mindbeat (__mindbeat_db) __complete members 2>/dev/null)' -d 'their email address, which they log in with'
complete -c mindbeat -n '__mindbeat_is users add' -l coach -x -a '(mindbeat (__mindbeat_db) __complete members 2>/dev/null)' -d 'a member'\''s coach (default: you, if you are a coach)'
complete -c mindbeat -n '__mindbeat_is users add' -l manager -x -a '(mindbeat (__mindbeat_db) __complete members 2>/dev/null)' -d 'a member'\''s line manager'
complete -c mindbeat -n '__mindbeat_is users add' -l phone -x -d 'a phone number, for calls when the platform fails'
complete -c mindbeat -n '__mindbeat_is users add' -l zoom -x -d 'a coach'\''s Zoom link (a professional account)'
complete -c mindbeat -n '__mindbeat_is users add' -l admin -d 'grant the admin right (account management only)'
complete -c mindbeat -n '__mindbeat_is users add' -l password-stdin -d 'read the password as one line from standard input instead of asking on the terminal'
complete -c mindbeat -n '__mindbeat_is users list' -l role -x -a 'coach member manager' -d 'only accounts of this role'
complete -c mindbeat -n '__mindbeat_is users list' -l json -d 'print JSON instead of text'
complete -c mindbeat -n '__mindbeat_is profile' -l phone -x -d 'your phone number ('\'''\'' removes it)'
complete -c mindbeat -n '__mindbeat_is profile' -l zoom -x -d 'your Zoom link ('\'''\'' removes it)'
complete -c mindbeat -n '__mindbeat_is profile' -l json -d 'print JSON instead of text'
complete -c mindbeat -n '__mindbeat_is members' -l json -d 'print JSON instead of text'
complete -c mindbeat -n '__mindbeat_is outbox' -l json -d 'print JSON instead of text'
complete -c mindbeat -n '__mindbeat_is help' -a 'sessions attend status chat contact switch end help notes feedback init login logout whoami passwd users profile members outbox completions call'
complete -c mindbeat -n '__mindbeat_is completions; and test (__mindbeat_given) -eq 0' -a 'bash zsh fish'
