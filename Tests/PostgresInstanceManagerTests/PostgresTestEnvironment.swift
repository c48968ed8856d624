import Foundation
import KubeTestSupport
import PostgresInstanceManager
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the real-process tests need: Debian's PostgreSQL 15, PgBouncer, `openssl`, `setpriv`,
/// the local user `postgres` (PostgreSQL refuses to run as root, so the manager runs as that
/// user), root to switch to it, and the built `quartermaster` binary.
enum PostgresTestEnvironment {
    static let binDirectory = "/usr/lib/postgresql/15/bin"
    static let pgbouncer = "/usr/sbin/pgbouncer"
    static let setpriv = "/usr/bin/setpriv"
    static let openssl = "/usr/bin/openssl"
    static let curl = "/usr/bin/curl"

    /// `.build/debug/quartermaster` beside the sources (what `swift build --build-tests` built).
    static let quartermasterBinary = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/quartermaster").path

    /// Why the real-process tests cannot run here; `nil` when they can.
    static let missing: String? = {
        let fm = FileManager.default
        for path in [binDirectory + "/postgres", pgbouncer, setpriv, openssl, curl, quartermasterBinary]
        where !fm.isExecutableFile(atPath: path) {
            return
                "\(path) is missing (PostgreSQL 15 from Debian, pgbouncer, openssl, curl, util-linux, and a built quartermaster)"
        }
        if geteuid() != 0 { return "the tests must run as root to start the manager as the user postgres" }
        if getpwnam("postgres") == nil { return "there is no local user postgres" }
        return nil
    }()

    static var available: Bool { missing == nil }
    static var skipReason: Comment { Comment(rawValue: "skipped: \(missing ?? "")") }

    /// A fresh directory `/tmp/qmXXXXXX` (short: unix socket paths are limited to 107 bytes),
    /// mode 0755, owned by `postgres`.
    static func makeDirectory() throws -> String {
        var template = Array("/tmp/qmXXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        let path = String(cString: made)
        chmod(path, 0o755)
        try chownToPostgres(path)
        return path
    }

    static func chownToPostgres(_ path: String) throws {
        guard let user = getpwnam("postgres") else { throw POSIXError(.ENOENT) }
        let uid = user.pointee.pw_uid
        let gid = user.pointee.pw_gid
        let fm = FileManager.default
        var paths = [path]
        if let enumerator = fm.enumerator(atPath: path) {
            while let sub = enumerator.nextObject() as? String { paths.append(path + "/" + sub) }
        }
        for p in paths { chown(p, uid, gid) }
    }

    /// A TCP port nothing listens on, held for the test process (`TestListenPorts`: below the
    /// ephemeral range, where a client connection cannot take it before the server listens).
    static func freePort() -> Int { TestListenPorts.reserve() }

    /// Runs `arguments` as `postgres` (through `setpriv`).
    static func runAsPostgres(_ arguments: [String], input: String? = nil) async -> ProcessResult {
        await run(setpriv, ["--reuid", "postgres", "--regid", "postgres", "--init-groups"] + arguments, input: input)
    }

    /// Runs a command to completion; a command that cannot start gives status -1.
    static func run(
        _ executable: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil
    )
        async -> ProcessResult
    {
        switch await ProcessRunner.run(executable, arguments, input: input, environment: environment) {
        case .success(let result): return result
        case .failure(let error): return ProcessResult(status: -1, standardOutput: "", standardError: "\(error)")
        }
    }

    /// `GET` (or `method`) `http://127.0.0.1:port/path` with curl: status code and body.
    static func http(_ method: String = "GET", port: Int, path: String) async -> (status: Int, body: String) {
        let marker = "\n--status:"
        let result = await run(
            curl, ["-s", "-X", method, "-w", marker + "%{http_code}", "http://127.0.0.1:\(port)\(path)"])
        let output = result.standardOutput
        guard let range = output.range(of: marker, options: .backwards) else { return (0, output) }
        return (Int(output[range.upperBound...]) ?? 0, String(output[..<range.lowerBound]))
    }
}

/// Polls `condition` every 100 ms, at most `attempts` times (the count bounds a hang; no clock
/// is read); returns whether it held.
func poll(attempts: Int = 600, _ condition: () async -> Bool) async -> Bool {
    for _ in 0..<attempts {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return false
}
