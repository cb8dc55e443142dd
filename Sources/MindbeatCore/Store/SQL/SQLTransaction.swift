/// One transaction's view of the database: every query mindbeat makes, as
/// methods, written once for both engines. Made only by a store's `read` and
/// `write`, on the connection whose transaction is open.
struct SQLTransaction: StoreWriter {
    let db: any SQLConnection
}
