import KubeClient
import KubeCore

/// The `reason` label of `controller_runtime_reconcile_errors_by_reason_total`: a short, bounded
/// name for why a reconcile failed, so an alert can tell a missing grant from a busy API server.
///
/// The values are a closed set (``allCases``), whatever error a reconciler throws:
/// - a ``RefusedWrite``: its reason (`Forbidden`, `QuotaExceeded`, `RequestTooLarge`, `Invalid`,
///   `BadRequest`, `Refused`);
/// - a ``TerminalError``: `Terminal`;
/// - an API error: `Conflict`, `NotFound`, `AlreadyExists`, `Gone`, `Unauthorized`,
///   `Forbidden`, `Invalid`, `BadRequest`, `TooManyRequests`, `ServerTimeout`, `ServerError`
///   (5xx) or `Refused` (another 4xx);
/// - a transport failure: `Transport` (connection, TLS, timeout, idle watch, size limits);
/// - anything else: `Other`.
public enum ReconcileErrorReason: String, Hashable, Sendable, CaseIterable {
    case forbidden = "Forbidden"
    case quotaExceeded = "QuotaExceeded"
    case requestTooLarge = "RequestTooLarge"
    case invalid = "Invalid"
    case badRequest = "BadRequest"
    case refused = "Refused"
    case terminal = "Terminal"
    case conflict = "Conflict"
    case notFound = "NotFound"
    case alreadyExists = "AlreadyExists"
    case gone = "Gone"
    case unauthorized = "Unauthorized"
    case tooManyRequests = "TooManyRequests"
    case serverTimeout = "ServerTimeout"
    case serverError = "ServerError"
    case transport = "Transport"
    case other = "Other"

    /// The reason for `error` (see the type's documentation).
    public init(_ error: any Error) {
        switch error {
        case let refusal as RefusedWrite:
            // Every refusal reason has its namesake here (ReconcileErrorReasonTests).
            self = ReconcileErrorReason(rawValue: refusal.reason.rawValue) ?? .refused
        case is TerminalError: self = .terminal
        case let apiError as KubeAPIError:
            switch apiError {
            case .badRequest: self = .badRequest
            case .unauthorized: self = .unauthorized
            case .forbidden: self = .forbidden
            case .notFound: self = .notFound
            case .alreadyExists: self = .alreadyExists
            case .conflict: self = .conflict
            case .gone: self = .gone
            case .invalid: self = .invalid
            case .tooManyRequests: self = .tooManyRequests
            case .serverTimeout: self = .serverTimeout
            case .other(let code, _, _): self = code >= 500 ? .serverError : .refused
            }
        case is TransportError: self = .transport
        default: self = .other
        }
    }
}
