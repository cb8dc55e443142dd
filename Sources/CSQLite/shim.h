#ifndef MINDBEAT_CSQLITE_SHIM_H
#define MINDBEAT_CSQLITE_SHIM_H
#include <sqlite3.h>

/* sqlite3_db_config is variadic, which Swift cannot call: one fixed-arity
   wrapper per option the store uses. */
static inline int mindbeat_sqlite3_enable_defensive(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
}
#endif
