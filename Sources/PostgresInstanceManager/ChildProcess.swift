import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A long-running child (`postgres`, `pgbouncer`) whose output goes to the manager's own
/// standard output and error (the container log).
///
/// Started with `posix_spawn` with only the standard streams open, an empty signal mask and
/// default dispositions: Foundation's
/// `Process` passes on the mask of the thread that starts it, and Swift's and Dispatch's
/// threads block nearly every signal, so a child such as PgBouncer (which does not reset its
/// mask) would never see SIGINT, SIGTERM or SIGHUP. Reaped with `waitpid` by `exitStatus`.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    public let name: String
    private let status = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`.
    ///
    /// - Parameters:
    ///   - environment: the child's environment; default the manager's own.
    ///   - outputFile: where standard output and error go (created or truncated, mode 0644);
    ///     default the manager's own.
    ///   - ownProcessGroup: start the child in a process group of its own
    ///     (`POSIX_SPAWN_SETPGROUP`, group id = its pid), so `killGroup` reaches it and what it
    ///     forks. Default false.
    public init(
        executable: String, arguments: [String], environment: [String: String]? = nil, outputFile: String? = nil,
        ownProcessGroup: Bool = false
    ) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownProcessGroup {
            flags |= POSIX_SPAWN_SETPGROUP
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let outputFile {
            posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // Nothing but the standard streams: an inherited pipe end (of a psql the manager runs at
        // the same moment) would keep that pipe open for the child's whole life, and whoever
        // reads it to the end would wait forever; an inherited listening socket would outlive us.
        Self.closeInheritedDescriptors(&actions)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let environment = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { for p in envp { free(p) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw CommandError(command: executable, status: nil, message: String(cString: strerror(result)))
        }
        self.pid = child
        self.name = (executable as NSString).lastPathComponent
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc 2.34's `posix_spawn_file_actions_addclosefrom_np` (not in the Glibc module's
    /// headers as imported), looked up once; `nil` elsewhere.
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    /// Adds closing every descriptor above 2: at once with `closeFrom`, else one action per
    /// descriptor open now (`/proc/self/fd`; one opened by another thread in between would be
    /// inherited).
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let closeFrom, closeFrom(&actions, 3) == 0 { return }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
    }

    /// The exit status once exited: the status, or 128 + the signal that ended it; `nil` while
    /// running.
    public var exitStatus: Int32? {
        status.withLock { known in
            if let known { return known }
            var raw: Int32 = 0
            let r = waitpid(pid, &raw, WNOHANG)
            guard r == pid else { return nil }
            let low = raw & 0x7f
            known = low == 0 ? (raw >> 8) & 0xff : 128 + low
            return known
        }
    }

    public var isRunning: Bool { exitStatus == nil }

    /// Sends `signal` to the child while it runs.
    public func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// SIGKILL to the child and everything it started, at once: the child is stopped first
    /// (SIGSTOP, so it forks nothing more), its descendants are listed from `/proc` and killed
    /// (PostgreSQL's backends make themselves session leaders, so they are not in the child's
    /// process group), then the child's process group. For a child started with
    /// `ownProcessGroup`. Returns how many descendants were killed.
    @discardableResult
    public func killGroup() -> Int {
        guard isRunning else { return 0 }
        kill(pid, SIGSTOP)
        let descendants = Self.descendants(of: pid)
        for child in descendants { kill(child, SIGKILL) }
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        return descendants.count
    }

    /// Every process whose parent chain leads to `root` (from `/proc/<pid>/stat`).
    static func descendants(of root: pid_t) -> [pid_t] {
        var parents: [pid_t: pid_t] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.range(of: ")", options: .backwards)
            else { continue }
            // After "pid (comm) ": state, then ppid.
            let fields = stat[close.upperBound...].split(separator: " ")
            if fields.count > 1, let ppid = pid_t(fields[1]) { parents[pid] = ppid }
        }
        var found: [pid_t] = []
        var frontier: Set<pid_t> = [root]
        while !frontier.isEmpty {
            let next = parents.filter { frontier.contains($0.value) }.map(\.key)
            found += next
            frontier = Set(next)
        }
        return found
    }

    /// Polls every 100 ms until the child exits; returns `exitStatus`.
    public func waitForExit() async -> Int32 {
        while true {
            if let status = exitStatus { return status }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
