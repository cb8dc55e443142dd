#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import MindbeatCore

/// What a database file must be before SQLite opens it, and how `init`
/// creates one (SPEC §8).
@Suite("Database files", .enabled(if: !TestBackend.isPostgres, "the SQLite store and its file"))
struct DatabaseFileTests {
    @Test func createLeavesNothingWhenFillingFailsAndARetryWorks() throws {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/mindbeat.db"
        struct Stop: Error {}
        #expect(throws: Stop.self) { try Stores.create(path) { _ in throw Stop() } }
        #expect(access(path, F_OK) != 0)
        #expect(entries(directory).isEmpty, "\(entries(directory))")
        let installID = try Stores.create(path) { store in store.installID }
        #expect(try Stores.open(path).installID == installID)
        #expect(entries(directory) == ["mindbeat.db"])
    }

    @Test func createRefusesWhateverIsThereAlready() throws {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let empty = directory + "/empty.db"
        writeFile(empty, [])
        chmod(empty, 0o666)
        #expect(throws: MindbeatError.database(.exists, location: empty)) { try Stores.create(empty) }
        #expect(fileBytes(empty).isEmpty)
        let link = directory + "/link.db"
        symlink(directory + "/nowhere.db", link)
        #expect(throws: MindbeatError.database(.exists, location: link)) { try Stores.create(link) }
        #expect(access(directory + "/nowhere.db", F_OK) != 0)
        // A mindbeat database without accounts is not taken over either.
        let bare = directory + "/bare.db"
        _ = try Stores.create(bare)
        #expect(throws: MindbeatError.database(.exists, location: bare)) { try Stores.create(bare) }
        let fifo = directory + "/fifo"
        mkfifo(fifo, 0o600)
        #expect(throws: MindbeatError.database(.notAFile, location: fifo)) { try Stores.create(fifo) }
    }

    @Test func onlyRegularFilesAreOpened() {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let fifo = directory + "/fifo"
        mkfifo(fifo, 0o600)
        // A FIFO would block the open and the first read for ever.
        #expect(throws: MindbeatError.database(.notAFile, location: fifo)) { try Stores.open(fifo) }
        #expect(throws: MindbeatError.database(.notAFile, location: directory)) { try Stores.open(directory) }
        #expect(throws: MindbeatError.database(.notAFile, location: "/dev/null")) { try Stores.open("/dev/null") }
    }

    @Test func aFileOrDirectoryOthersMayWriteIsRefused() throws {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/data/mindbeat.db"
        _ = try Stores.create(path)
        for mode: mode_t in [0o620, 0o602, 0o666] {
            chmod(path, mode)
            #expect(throws: MindbeatError.database(.writableByOthers(path: path, sharedDirectory: false), location: path)) { try Stores.open(path) }
        }
        chmod(path, 0o644)
        _ = try Stores.open(path)
        chmod(directory + "/data", 0o777)
        #expect(throws: MindbeatError.database(.writableByOthers(path: directory + "/data", sharedDirectory: false), location: path)) {
            try Stores.open(path)
        }
        chmod(directory + "/data", 0o1777)
        #expect(throws: MindbeatError.database(.writableByOthers(path: directory + "/data", sharedDirectory: true), location: path)) {
            try Stores.open(path)
        }
        chmod(directory + "/data", 0o700)
        _ = try Stores.open(path)
    }

    @Test func anOperatorsCommandRunsOnlyAsTheOwnerOrRoot() throws {
        let directory = temporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/mindbeat.db"
        _ = try Stores.create(path)
        var info = stat()
        stat(path, &info)
        _ = try Stores.open(path, operatorUID: info.st_uid)
        _ = try Stores.open(path, operatorUID: 0)
        let stranger: UInt32 = info.st_uid == 4242 ? 4243 : 4242
        #expect(throws: MindbeatError.database(.notOwner(owner: info.st_uid), location: path)) { try Stores.open(path, operatorUID: stranger) }
    }

    func entries(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
