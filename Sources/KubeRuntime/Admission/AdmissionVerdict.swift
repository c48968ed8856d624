import KubeCore

/// A validator's answer to one admission request: allowed or denied with a message, and
/// warnings `kubectl` shows either way.
public struct AdmissionVerdict: Sendable, Hashable {
    public var allowed: Bool
    /// Why the request is denied (shown verbatim by `kubectl`); `nil` when allowed.
    public var message: String?
    /// A CamelCase reason for a denial; default `Forbidden`.
    public var reason: String?
    /// The HTTP code the client sees for a denial; default 403 (the API server's own default).
    public var code: Int?
    public var warnings: [String]

    public init(allowed: Bool, message: String? = nil, reason: String? = nil, code: Int? = nil, warnings: [String] = []) {
        self.allowed = allowed
        self.message = message
        self.reason = reason
        self.code = code
        self.warnings = warnings
    }

    /// Allowed, with optional warnings.
    public static func allow(warnings: [String] = []) -> AdmissionVerdict { AdmissionVerdict(allowed: true, warnings: warnings) }

    /// Denied with `message`; reason `Forbidden`, code 403 unless given.
    public static func deny(_ message: String, reason: String = "Forbidden", code: Int = 403, warnings: [String] = [])
        -> AdmissionVerdict
    {
        AdmissionVerdict(allowed: false, message: message, reason: reason, code: code, warnings: warnings)
    }

    /// The response for the request with `uid`.
    public func response(uid: String) -> AdmissionResponse {
        AdmissionResponse(
            uid: uid, allowed: allowed,
            status: allowed ? nil : AdmissionResponseStatus(code: code ?? 403, reason: reason ?? "Forbidden", message: message),
            warnings: warnings.isEmpty ? nil : warnings)
    }
}

/// Judges one admission request. Must not throw or crash on odd input: an object that does not
/// decode is a denial with the reason.
public typealias AdmissionValidator = @Sendable (AdmissionRequest) async -> AdmissionVerdict
