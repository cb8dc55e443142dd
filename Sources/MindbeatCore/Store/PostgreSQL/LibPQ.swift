#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// PostgreSQL's own client library, loaded with `dlopen` the first time a
/// command is given a PostgreSQL URI, so that TLS, SCRAM, service files and
/// every `PG*` variable work as they do for `psql`. Linked in, it would cost
/// every command (SQLite ones too) the loading of libssl, krb5 and ldap;
/// loaded on demand it costs nothing until it is used.
///
/// Only the functions mindbeat calls are looked up, each with the C type
/// of `libpq-fe.h`.
struct LibPQ: @unchecked Sendable {
    typealias Conn = OpaquePointer
    typealias Result = OpaquePointer

    let connectdbParams: @convention(c) (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?, Int32) -> Conn?
    let status: @convention(c) (Conn?) -> Int32
    let errorMessage: @convention(c) (Conn?) -> UnsafeMutablePointer<CChar>?
    let finish: @convention(c) (Conn?) -> Void
    let exec: @convention(c) (Conn?, UnsafePointer<CChar>?) -> Result?
    let execParams: @convention(c) (
        Conn?, UnsafePointer<CChar>?, Int32, UnsafePointer<UInt32>?, UnsafePointer<UnsafePointer<CChar>?>?,
        UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32
    ) -> Result?
    let resultStatus: @convention(c) (Result?) -> Int32
    let resultErrorField: @convention(c) (Result?, Int32) -> UnsafeMutablePointer<CChar>?
    let ntuples: @convention(c) (Result?) -> Int32
    let nfields: @convention(c) (Result?) -> Int32
    let ftype: @convention(c) (Result?, Int32) -> UInt32
    let getvalue: @convention(c) (Result?, Int32, Int32) -> UnsafeMutablePointer<CChar>?
    let getlength: @convention(c) (Result?, Int32, Int32) -> Int32
    let getisnull: @convention(c) (Result?, Int32, Int32) -> Int32
    let cmdTuples: @convention(c) (Result?) -> UnsafeMutablePointer<CChar>?
    let clear: @convention(c) (Result?) -> Void
    let socket: @convention(c) (Conn?) -> Int32
    let consumeInput: @convention(c) (Conn?) -> Int32
    let notifies: @convention(c) (Conn?) -> UnsafeMutableRawPointer?
    let freemem: @convention(c) (UnsafeMutableRawPointer?) -> Void
    let backendPID: @convention(c) (Conn?) -> Int32
    let setNoticeProcessor: @convention(c) (
        Conn?, (@convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void)?, UnsafeMutableRawPointer?
    ) -> UnsafeMutableRawPointer?
    let transactionStatus: @convention(c) (Conn?) -> Int32
    let conninfoParse: @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> UnsafeMutableRawPointer?
    let conninfoFree: @convention(c) (UnsafeMutableRawPointer?) -> Void

    // From libpq-fe.h.
    static let connectionOK: Int32 = 0
    static let commandOK: Int32 = 1
    static let tuplesOK: Int32 = 2
    static let fieldSQLState: Int32 = Int32(UInt8(ascii: "C"))
    static let fieldMessagePrimary: Int32 = Int32(UInt8(ascii: "M"))
    static let transactionIdle: Int32 = 0

    /// The library, loaded once per process; nil with the loader's reason.
    nonisolated(unsafe) private static var loaded: LibPQ?

    static func load() throws(MindbeatError) -> LibPQ {
        if let loaded { return loaded }
        guard let handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            throw .database(.unreachable("PostgreSQL's client library libpq.so.5 cannot be loaded (\(reason)); "
                                         + "install it: apt-get install libpq5"), location: "postgresql")
        }
        func symbol<T>(_ name: String, as type: T.Type) throws(MindbeatError) -> T {
            guard let address = dlsym(handle, name) else {
                throw .database(.unreachable("libpq.so.5 has no \(name): it is too old for mindbeat"), location: "postgresql")
            }
            return unsafeBitCast(address, to: type)
        }
        let library = LibPQ(
            connectdbParams: try symbol("PQconnectdbParams", as: type(of: placeholder.connectdbParams)),
            status: try symbol("PQstatus", as: type(of: placeholder.status)),
            errorMessage: try symbol("PQerrorMessage", as: type(of: placeholder.errorMessage)),
            finish: try symbol("PQfinish", as: type(of: placeholder.finish)),
            exec: try symbol("PQexec", as: type(of: placeholder.exec)),
            execParams: try symbol("PQexecParams", as: type(of: placeholder.execParams)),
            resultStatus: try symbol("PQresultStatus", as: type(of: placeholder.resultStatus)),
            resultErrorField: try symbol("PQresultErrorField", as: type(of: placeholder.resultErrorField)),
            ntuples: try symbol("PQntuples", as: type(of: placeholder.ntuples)),
            nfields: try symbol("PQnfields", as: type(of: placeholder.nfields)),
            ftype: try symbol("PQftype", as: type(of: placeholder.ftype)),
            getvalue: try symbol("PQgetvalue", as: type(of: placeholder.getvalue)),
            getlength: try symbol("PQgetlength", as: type(of: placeholder.getlength)),
            getisnull: try symbol("PQgetisnull", as: type(of: placeholder.getisnull)),
            cmdTuples: try symbol("PQcmdTuples", as: type(of: placeholder.cmdTuples)),
            clear: try symbol("PQclear", as: type(of: placeholder.clear)),
            socket: try symbol("PQsocket", as: type(of: placeholder.socket)),
            consumeInput: try symbol("PQconsumeInput", as: type(of: placeholder.consumeInput)),
            notifies: try symbol("PQnotifies", as: type(of: placeholder.notifies)),
            freemem: try symbol("PQfreemem", as: type(of: placeholder.freemem)),
            backendPID: try symbol("PQbackendPID", as: type(of: placeholder.backendPID)),
            setNoticeProcessor: try symbol("PQsetNoticeProcessor", as: type(of: placeholder.setNoticeProcessor)),
            transactionStatus: try symbol("PQtransactionStatus", as: type(of: placeholder.transactionStatus)),
            conninfoParse: try symbol("PQconninfoParse", as: type(of: placeholder.conninfoParse)),
            conninfoFree: try symbol("PQconninfoFree", as: type(of: placeholder.conninfoFree)))
        loaded = library
        return library
    }

    /// Never called: it gives `load` the type of each function.
    private static let placeholder = LibPQ(
        connectdbParams: { _, _, _ in nil }, status: { _ in 0 }, errorMessage: { _ in nil }, finish: { _ in },
        exec: { _, _ in nil }, execParams: { _, _, _, _, _, _, _, _ in nil }, resultStatus: { _ in 0 },
        resultErrorField: { _, _ in nil }, ntuples: { _ in 0 }, nfields: { _ in 0 }, ftype: { _, _ in 0 },
        getvalue: { _, _, _ in nil }, getlength: { _, _, _ in 0 }, getisnull: { _, _, _ in 0 }, cmdTuples: { _ in nil },
        clear: { _ in }, socket: { _ in -1 }, consumeInput: { _ in 0 }, notifies: { _ in nil }, freemem: { _ in },
        backendPID: { _ in 0 }, setNoticeProcessor: { _, _, _ in nil }, transactionStatus: { _ in 0 },
        conninfoParse: { _, _ in nil }, conninfoFree: { _ in })
}
