import Foundation

/// Why a credential provider could not produce credentials. Descriptions name the file or
/// command involved and never contain a token, key or the plugin's standard output.
public enum CredentialError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A token file could not be read.
    case tokenFileUnreadable(path: String, reason: String)
    /// A token file holds nothing but whitespace.
    case tokenFileEmpty(path: String)
    /// The exec plugin's command could not be found or started.
    case execNotFound(command: String, installHint: String?)
    case execLaunchFailed(command: String, reason: String)
    /// The plugin exited with a non-zero status; `stderr` is its trimmed standard error.
    case execFailed(command: String, exitCode: Int32, stderr: String)
    /// The plugin was killed after running longer than allowed.
    case execTimedOut(command: String, timeout: Duration)
    /// The plugin's output is not a usable ExecCredential.
    case execInvalidOutput(command: String, reason: String)

    public var description: String {
        switch self {
        case .tokenFileUnreadable(let path, let reason):
            return "cannot read token file \(path): \(reason)"
        case .tokenFileEmpty(let path):
            return "token file \(path) is empty"
        case .execNotFound(let command, let hint):
            var m = "exec plugin \"\(command)\" not found"
            if let hint, !hint.isEmpty { m += "\n\(hint)" }
            return m
        case .execLaunchFailed(let command, let reason):
            return "exec plugin \"\(command)\" could not be started: \(reason)"
        case .execFailed(let command, let code, let stderr):
            let tail = stderr.isEmpty ? " (no output on stderr)" : ": \(stderr)"
            return "exec plugin \"\(command)\" failed with exit code \(code)\(tail)"
        case .execTimedOut(let command, let timeout):
            return "exec plugin \"\(command)\" did not finish within \(timeout) and was killed"
        case .execInvalidOutput(let command, let reason):
            return "exec plugin \"\(command)\" returned an unusable ExecCredential: \(reason)"
        }
    }
}
