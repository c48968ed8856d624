import Foundation
import Synchronization

/// A long-running process of the control plane (etcd, kube-apiserver, kube-controller-manager)
/// with its output appended to a log file.
///
/// Guarantees that the process does not outlive the test process:
/// - it is registered with `ChildProcessRegistry`, whose `atexit` handler kills it with SIGKILL
///   when the test process exits normally;
/// - a watchdog (`/bin/sh`, a child of the test process) polls once a second whether its own
///   parent is still the test process; when the test process dies (even by SIGKILL, when no
///   `atexit` handler runs) the watchdog is re-parented, notices, and kills the process.
final class ChildProcess: @unchecked Sendable {
    // @unchecked: `Process` is not Sendable; it is only touched in `init` and through
    // its thread-safe `processIdentifier` and termination state after that.
    let name: String
    let pid: Int32
    let logPath: String
    private let process: Process
    private let watchdog: Process?
    private let exited = ExitSignal()

    /// Starts `executable` with `arguments`, appending stdout and stderr to `logPath`.
    init(name: String, executable: String, arguments: [String], logPath: String) throws(EnvTestError) {
        self.name = name
        self.logPath = logPath
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        do {
            if !FileManager.default.fileExists(atPath: logPath),
                !FileManager.default.createFile(atPath: logPath, contents: nil)
            {
                throw EnvTestError.system("cannot create \(logPath)")
            }
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            defer { try? log.close() }
            try log.seekToEnd()
            process.standardOutput = log
            process.standardError = log
            let exited = self.exited
            process.terminationHandler = { _ in exited.fire() }
            try process.run()
        } catch {
            throw .system("cannot start \(name) (\(executable)): \(error)")
        }
        self.process = process
        self.pid = process.processIdentifier
        ChildProcessRegistry.add(pid)
        self.watchdog = ChildProcessRegistry.startWatchdog(for: pid)
    }

    /// Whether the process has exited (and was reaped).
    var hasExited: Bool { exited.hasFired }

    /// Sends SIGKILL and waits until the process is gone.
    func kill() async {
        ChildProcessRegistry.remove(pid)
        if !exited.hasFired { sendKill(pid) }
        await exited.wait()
    }

    /// The last `maxBytes` of the log, for error messages.
    func logTail(maxBytes: Int = 4000) -> String { fileTail(logPath, maxBytes: maxBytes) }
}

/// SIGKILL to `pid`, ignoring "no such process".
func sendKill(_ pid: Int32) { _ = kill(pid, SIGKILL) }

/// The last `maxBytes` of a text file, or a note that it cannot be read.
func fileTail(_ path: String, maxBytes: Int = 4000) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { return "(no log at \(path))" }
    return String(decoding: data.suffix(maxBytes), as: UTF8.self)
}

/// Every control-plane process started by this test process, killed at exit.
enum ChildProcessRegistry {
    private static let state = Mutex<(pids: Set<Int32>, directories: Set<String>, installed: Bool)>(
        ([], [], false))

    static func add(_ pid: Int32) {
        let install = state.withLock { s -> Bool in
            s.pids.insert(pid)
            defer { s.installed = true }
            return !s.installed
        }
        if install { atexit { ChildProcessRegistry.killAll() } }
    }

    static func remove(_ pid: Int32) { _ = state.withLock { $0.pids.remove(pid) } }

    /// Deletes `path` at exit (after the processes are killed), unless `QM_ENVTEST_KEEP` is set.
    static func removeAtExit(_ path: String) { _ = state.withLock { $0.directories.insert(path) } }
    static func keep(_ path: String) { _ = state.withLock { $0.directories.remove(path) } }

    /// The `atexit` handler: SIGKILL every registered process, then delete the directories.
    static func killAll() {
        let (pids, directories) = state.withLock { s in
            defer { s.pids.removeAll(); s.directories.removeAll() }
            return (s.pids, s.directories)
        }
        for pid in pids { sendKill(pid) }
        guard ProcessInfo.processInfo.environment["QM_ENVTEST_KEEP"] == nil else { return }
        if !pids.isEmpty { usleep(200_000) }  // let the kernel tear them down before deleting their files
        for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// The watchdog script: `$1` is the pid of the test process, `$2` the pid to guard. It
    /// exits quietly when the guarded process is gone, and kills it when its own parent is no
    /// longer `$1` (the test process died and the watchdog was re-parented). It reads its parent
    /// from /proc (a dead but unreaped parent still answers `kill -0`), and falls back to
    /// `kill -0` where there is no /proc.
    static let watchdogScript = """
        p=$1; c=$2
        parent_alive() {
          if [ -r /proc/$$/stat ]; then read -r _ _ _ pp _ < /proc/$$/stat; [ "$pp" = "$p" ]
          else kill -0 "$p" 2>/dev/null; fi
        }
        while parent_alive && kill -0 "$c" 2>/dev/null; do sleep 1; done
        if kill -0 "$c" 2>/dev/null && ! parent_alive; then kill -9 "$c" 2>/dev/null; fi
        exit 0
        """

    /// Starts the watchdog for `pid` as a child of this process; `nil` if `/bin/sh` cannot be
    /// started. Not registered itself: it exits on its own within a second of the guarded
    /// process.
    static func startWatchdog(for pid: Int32) -> Process? {
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        watchdog.arguments = ["-c", watchdogScript, "envtest-watchdog", String(getpid()), String(pid)]
        watchdog.standardInput = FileHandle.nullDevice
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        do { try watchdog.run() } catch { return nil }
        return watchdog
    }
}
