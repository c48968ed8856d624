import KubeClient
import KubeCore

/// A write the API server refused for a reason that sending it again as it is will not fix:
/// the operator lacks a grant (403), a ResourceQuota is exhausted (403 "exceeded quota"), the
/// body is too large (413, or refused locally before sending: ``KubeClient/maxRequestBodySize``),
/// or the object is invalid (422, 400). It names the object that was refused and keeps the
/// API server's message in full, for the owner's `Stalled` condition.
///
/// Transient failures are not refusals and stay errors to retry: 5xx, timeouts, 429, network
/// errors, 409 conflicts on an optimistic update, 404 and `AlreadyExists` (which the caller
/// decides about), and 401 (credentials are refreshed).
///
/// ``DesiredStateApplier`` throws it for its applies and creates; other writes are wrapped with
/// ``guarding(_:kind:namespace:name:_:)``. A reconciler reports it on its object (`Stalled`,
/// reason ``reason``) and asks for a requeue with backoff: a quota freed, a grant added or a
/// spec changed is seen on the next try.
public struct RefusedWrite: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why the write was refused: the `Stalled` reason of the owner.
    public enum Reason: String, Hashable, Sendable, CaseIterable {
        /// 403: the operator may not do this (RBAC, an admission plugin, a terminating namespace).
        case forbidden = "Forbidden"
        /// 403 from the ResourceQuota admission plugin: "exceeded quota: …, requested: …, used: …, limited: …".
        case quotaExceeded = "QuotaExceeded"
        /// 413, or a body larger than the client sends (refused locally).
        case requestTooLarge = "RequestTooLarge"
        /// 422: the object failed validation.
        case invalid = "Invalid"
        /// 400: the request could not be understood (a malformed patch, a missing name).
        case badRequest = "BadRequest"
        /// Any other 4xx the client does not map (405, 406, 415, …).
        case refused = "Refused"
    }

    public var reason: Reason
    /// `apply`, `create`, `update`, `patch` or `delete`.
    public var verb: String
    /// The refused object's kind, e.g. `ConfigMap`.
    public var kind: String
    public var namespace: String?
    public var name: String
    /// The HTTP status code, when the server answered (or the client refused the body for its
    /// size: 413); `nil` for a refusal made before sending (``DataSizeLimit``).
    public var code: Int?
    /// The API server's message, in full (or the client's, for a local refusal).
    public var message: String

    public init(
        reason: Reason, verb: String, kind: String, namespace: String?, name: String, code: Int?, message: String
    ) {
        self.reason = reason
        self.verb = verb
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.code = code
        self.message = message
    }

    /// The refusal `error` stands for, or `nil` when it is transient or not the server's answer
    /// (pure): the table in the type's documentation.
    public static func classify(_ error: any Error) -> (reason: Reason, code: Int?, message: String)? {
        guard let error = error as? KubeAPIError else { return nil }
        switch error {
        case .forbidden(let m):
            return (m.contains("exceeded quota") ? .quotaExceeded : .forbidden, 403, m)
        case .invalid(let m, let causes):
            let fields = causes.compactMap { c in c.field.map { "\($0): \(c.message ?? c.reason ?? "")" } }
            let detail = fields.filter { !m.contains($0) }
            return (.invalid, 422, detail.isEmpty ? m : m + " (" + detail.joined(separator: "; ") + ")")
        case .badRequest(let m):
            return (.badRequest, 400, m)
        case .other(let code, _, let m) where code == 413:
            return (.requestTooLarge, code, m)
        case .other(let code, _, let m) where (400..<500).contains(code) && code != 408:
            return (.refused, code, m)
        case .unauthorized, .notFound, .alreadyExists, .conflict, .gone, .tooManyRequests, .serverTimeout, .other:
            return nil
        }
    }

    /// Runs `body`, a write of `kind` `namespace/name`; a refusal it throws (``classify(_:)``)
    /// is rethrown as a `RefusedWrite` naming the object, anything else as it is.
    public static func guarding<T>(
        _ verb: String, kind: String, namespace: String?, name: String, _ body: () async throws -> T
    ) async throws -> T {
        do {
            return try await body()
        } catch {
            guard let refusal = classify(error) else { throw error }
            throw RefusedWrite(
                reason: refusal.reason, verb: verb, kind: kind, namespace: namespace, name: name, code: refusal.code,
                message: shown(refusal.message, reason: refusal.reason, kind: kind))
        }
    }

    /// What is shown of the server's `message` (it goes to status, Events and logs): all of it,
    /// except for a Secret refused as malformed (400 and other 4xx), whose message may quote the
    /// request body and so the Secret's data. The other refusals name fields, keys, sizes and
    /// quotas, never values of a Secret's data.
    static func shown(_ message: String, reason: Reason, kind: String) -> String {
        guard kind == Secret.resource.kind, reason == .badRequest || reason == .refused else { return message }
        return "(the server's message is not shown: it may quote the Secret's data)"
    }

    /// `the API server refused to apply ConfigMap ns/name (403): <message>`; for a refusal
    /// made before sending (no `code`), `not sent: the API server would refuse to apply …: <message>`.
    public var description: String {
        let object = namespace.map { "\($0)/\(name)" } ?? name
        guard let code else { return "not sent: the API server would refuse to \(verb) \(kind) \(object): \(message)" }
        return "the API server refused to \(verb) \(kind) \(object) (\(code)): \(message)"
    }
}
