import Foundation

/// Why the envtest control plane could not be started or used.
///
/// Messages never contain bearer tokens or keys; they name files in the control plane's
/// directory (kept on failure) instead.
public enum EnvTestError: Error, Sendable, CustomStringConvertible {
    /// `KUBEBUILDER_ASSETS` is unset or the directory lacks `etcd` / `kube-apiserver`.
    case assetsNotFound(String)
    /// A command-line tool the harness needs (`kubectl`, `openssl`, `curl`) is not on `PATH`.
    case toolMissing(String)
    /// A command ran but exited with a non-zero status.
    case commandFailed(command: String, status: Int32, stderr: String)
    /// A process of the control plane did not come up; `logTail` is the end of its log.
    case startFailed(reason: String, logTail: String, directory: String)
    /// The control plane was stopped with `stop()`.
    case stopped
    /// A system call failed.
    case system(String)

    public var description: String {
        switch self {
        case .assetsNotFound(let detail):
            return "envtest assets not found: \(detail)"
        case .toolMissing(let tool):
            return "\(tool) is not on PATH; the envtest harness needs it"
        case .commandFailed(let command, let status, let stderr):
            return "\(command) exited with status \(status): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
        case .startFailed(let reason, let logTail, let directory):
            return "control plane did not start: \(reason) (state kept in \(directory))\n--- log tail ---\n\(logTail)"
        case .stopped:
            return "the envtest control plane was stopped"
        case .system(let message):
            return message
        }
    }
}
