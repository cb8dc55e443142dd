extension Commands {
    /// Every command of mindbeat, in the order help lists them.
    static let table: [Command] = [
        sessionsList, sessionsShow, sessionsLog, sessionsAdd, sessionsCancel, sessionsReschedule, calendar, report, attend, status, wait, chat, contact, switchChannel, end, helpCall,
        notesAdd, notesList, feedback, feedbackShow,
        initialise, login, logout, whoami, passwd, usersAdd, usersList, usersReset, usersBank, profile, members,
        keysAdd, keysList, keysRemove,
        outbox, outboxSend, serveAuthorizedKeys, serveSSH, dbCopy,
        help, completions, complete, generate,
    ]
}
