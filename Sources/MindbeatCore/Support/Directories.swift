#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Private directories: the database's, the logins', generated files'.
public enum Directories {
    /// Creates `directory` and its missing parents with mode 0700. Nil when it
    /// exists as a directory afterwards; else why not, in words.
    public static func make(_ directory: String) -> String? {
        var info = stat()
        if stat(directory, &info) == 0 {
            return (info.st_mode & S_IFMT) == S_IFDIR ? nil : "\(directory) exists and is not a directory"
        }
        if let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
            if let problem = make(String(directory[..<slash])) { return problem }
        }
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else { return String(cString: strerror(errno)) }
        return nil
    }
}
