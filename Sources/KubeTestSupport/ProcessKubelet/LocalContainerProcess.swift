import Foundation
import KubeClient
import Synchronization

/// One started container process.
///
/// Never outlives the test process: it is registered with `ChildProcessRegistry` (SIGKILL at
/// exit) and guarded by the same watchdog as the control plane's processes (SIGKILL when the
/// test process dies). Foundation's `Process` makes the child lead its own process group on
/// Linux (`ProcessKubeletUnitTests` checks it); signals then go to the group, so its children
/// (PostgreSQL's backends) are stopped with it.
///
/// The process's descendants die with it, as in a container, where the end of the main
/// process ends its PID namespace: a descendant in a process group of its own (PostgreSQL
/// under the instance manager) survives a signal to the group, so the process tree is
/// watched (`treeWatchInterval`) and what the process leaves behind when it exits is killed;
/// `stop` kills the whole tree when the grace period ends. This matters twice: such a survivor
/// would go on running, and, because Foundation on Linux learns of an exit only when every
/// holder of a socket the child inherits has closed it (descendants inherit it too), the exit
/// would not even be seen while the survivor lives.
final class LocalContainerProcess: @unchecked Sendable {
    /// How often the process tree is walked, so that what the process leaves behind when it
    /// exits is known (a descendant started less than this before the exit may be missed).
    static let treeWatchInterval = Duration.seconds(1)

    // @unchecked: `Process` is only touched in `init` and through its thread-safe
    // termination state afterwards.
    let pid: Int32
    private let process: Process
    private let exited = ExitSignal()
    private let knownTree = Mutex<[Int32: UInt64]>([:])
    private let watchdog: Process?

    /// Starts `executable` with `arguments`, exactly `environment`, in `directory`, appending
    /// stdout and stderr to `logPath`.
    ///
    /// The process is spawned from a thread of its own with no signal blocked: a child inherits
    /// the spawning thread's signal mask, and the concurrency pool's threads block signals, so
    /// a process spawned from them would never see SIGTERM (only SIGKILL would stop it).
    static func start(
        executable: String, arguments: [String], environment: [String: String], directory: String, logPath: String
    ) async throws -> LocalContainerProcess {
        try await BlockingWork.run {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            return try LocalContainerProcess(
                executable: executable, arguments: arguments, environment: environment, directory: directory,
                logPath: logPath)
        }
    }

    private init(
        executable: String, arguments: [String], environment: [String: String], directory: String, logPath: String
    ) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        defer { try? log.close() }
        try log.seekToEnd()
        process.standardOutput = log
        process.standardError = log
        let exited = self.exited
        process.terminationHandler = { _ in exited.fire() }
        try process.run()
        self.process = process
        self.pid = process.processIdentifier
        ChildProcessRegistry.add(pid)
        self.watchdog = ChildProcessRegistry.startWatchdog(for: pid)
        watchTree()
    }

    /// The process and its descendants as the last walk of its tree found them (pid → start
    /// time).
    var lastKnownTree: [Int32: UInt64] { knownTree.withLock { $0 } }

    /// Walks the process's tree every `treeWatchInterval` while it runs, keeping the result in
    /// `lastKnownTree`; once the process has exited (a zombie, or gone) kills the descendants
    /// the last walk found that still live.
    private func watchTree() {
        Task.detached { [self] in
            while !exited.hasFired {
                guard ProcessKubeletProcessTree.isAlive(pid) else {
                    ProcessKubeletProcessTree.killRemaining(lastKnownTree)
                    return
                }
                let snapshot = ProcessKubeletProcessTree.snapshot(roots: [pid])
                knownTree.withLock { $0 = snapshot }
                try? await Task.sleep(for: Self.treeWatchInterval)
            }
        }
    }

    var hasExited: Bool { exited.hasFired }

    /// Waits for the process to exit and returns its exit code (128 + signal when a signal
    /// ended it, as a container runtime reports it).
    func waitForExit() async -> Int {
        await exited.wait()
        ChildProcessRegistry.remove(pid)
        let status = Int(process.terminationStatus)
        return process.terminationReason == .uncaughtSignal ? 128 + status : status
    }

    /// Sends `signal` to the process group when the process leads one, else to the process.
    func signal(_ signal: Int32) {
        guard !exited.hasFired else { return }
        if getpgid(pid) == pid { _ = kill(-pid, signal) } else { _ = kill(pid, signal) }
    }

    /// SIGTERM, then, when the process has not exited within `grace`, SIGKILL to it and every
    /// process of its tree (including what it had when the stop began: a descendant it left
    /// behind); returns once it has exited. The wait is bounded by `grace`; it is the kubelet's
    /// grace period, not a test assertion.
    func stop(grace: Duration) async {
        let members = ProcessKubeletProcessTree.snapshot(roots: [pid])
        signal(SIGTERM)
        let killer = Task { [self] in
            try? await Task.sleep(for: grace)
            if !Task.isCancelled {
                signal(SIGKILL)
                ProcessKubeletProcessTree.killAll(roots: [pid])
                ProcessKubeletProcessTree.killRemaining(members)
            }
        }
        defer { killer.cancel() }
        _ = await waitForExit()
    }
}
