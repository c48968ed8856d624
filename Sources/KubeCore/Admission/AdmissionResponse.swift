import Foundation

/// A webhook's answer (`AdmissionReview.response`, `admission.k8s.io/v1`): allowed or not,
/// why, and warnings `kubectl` prints (v1.19 on).
public struct AdmissionResponse: Codable, Sendable, Hashable {
    /// The request's `uid`.
    public var uid: String
    public var allowed: Bool
    /// Why a request is denied: the API server returns `message` (and `code`, default 403) to
    /// the client.
    public var status: AdmissionResponseStatus?
    /// Shown to the client whether allowed or not; each at most 120 characters is advised.
    public var warnings: [String]?

    public init(uid: String, allowed: Bool, status: AdmissionResponseStatus? = nil, warnings: [String]? = nil) {
        self.uid = uid
        self.allowed = allowed
        self.status = status
        self.warnings = warnings
    }
}

/// The part of a `meta/v1 Status` a webhook sets on a denial.
public struct AdmissionResponseStatus: Codable, Sendable, Hashable {
    /// HTTP code the client sees; the API server uses 403 when absent.
    public var code: Int?
    /// A CamelCase reason (`Forbidden`, `Invalid`, ...).
    public var reason: String?
    /// The reason, for people; the client shows it verbatim.
    public var message: String?

    public init(code: Int? = nil, reason: String? = nil, message: String? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
    }
}
