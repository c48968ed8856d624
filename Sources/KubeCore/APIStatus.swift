import Foundation

/// The API's `meta/v1 Status` object, returned with errors and some deletes.
public struct APIStatus: Codable, Hashable, Sendable {
    public var status: String?
    public var message: String?
    /// Machine-readable reason: `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`, ...
    public var reason: String?
    public var details: Details?
    public var code: Int?

    public struct Details: Codable, Hashable, Sendable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var causes: [Cause]?
        public var retryAfterSeconds: Int?
    }

    /// One field-level cause of an `Invalid` error.
    public struct Cause: Codable, Hashable, Sendable {
        public var reason: String?
        public var message: String?
        public var field: String?
        public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }

    public init(status: String? = "Failure", message: String? = nil, reason: String? = nil, code: Int? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
        self.code = code
    }
}

/// An error the API server answered with, decoded from its `Status` body and HTTP status code.
public enum KubeAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    case badRequest(String)
    case unauthorized(String)
    case forbidden(String)
    case notFound(String)
    case alreadyExists(String)
    /// 409 with reason `Conflict`: a stale `resourceVersion`, or a failed precondition.
    case conflict(String)
    /// 410: the requested `resourceVersion` is too old (compacted); relist.
    case gone(String)
    /// 422: the object failed validation; `causes` lists the fields.
    case invalid(String, causes: [APIStatus.Cause])
    /// 429: slow down; retry after the given delay (from `Retry-After`, or `details`).
    case tooManyRequests(String, retryAfter: Duration?)
    /// 504 or reason `Timeout`/`ServerTimeout`: the server did not finish in time; retry.
    case serverTimeout(String, retryAfter: Duration?)
    /// 415 and other statuses the client does not map specially.
    case other(code: Int, reason: String?, message: String)

    /// Builds the error for a non-2xx response. `body` is decoded as `Status` when it is one (in
    /// JSON, or in protobuf when `headers` say so: the answer to a request that asked for
    /// protobuf); otherwise its first 64 KiB are the message (proxies answer in plain text or
    /// HTML).
    public init(status code: Int, headers: [String: String] = [:], body: Data) {
        let decoded =
            KubeProtobuf.isProtobuf(contentType: headers["content-type"])
            ? try? KubeProtobuf.decode(APIStatus.self, from: body)
            : try? KubeJSON.decode(APIStatus.self, from: body)
        let message =
            decoded?.message
            ?? String(decoding: body.prefix(64 << 10), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let retryAfter: Duration? =
            headers["retry-after"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { .seconds($0) }
            ?? decoded?.details?.retryAfterSeconds.map { .seconds($0) }
        self.init(code: code, status: decoded, message: message, retryAfter: retryAfter)
    }

    /// Builds the error from a `Status` object (as found in a watch `ERROR` event).
    public init(status: APIStatus) {
        self.init(
            code: status.code ?? 500, status: status, message: status.message ?? "",
            retryAfter: status.details?.retryAfterSeconds.map { .seconds($0) })
    }

    private init(code: Int, status: APIStatus?, message: String, retryAfter: Duration?) {
        switch (code, status?.reason) {
        case (_, "NotFound"), (404, _): self = .notFound(message)
        case (_, "AlreadyExists"): self = .alreadyExists(message)
        case (_, "Conflict"), (409, _): self = .conflict(message)
        case (_, "Expired"), (_, "Gone"), (410, _): self = .gone(message)
        case (_, "Invalid"), (422, _): self = .invalid(message, causes: status?.details?.causes ?? [])
        case (_, "TooManyRequests"), (429, _): self = .tooManyRequests(message, retryAfter: retryAfter)
        case (_, "Timeout"), (_, "ServerTimeout"), (504, _): self = .serverTimeout(message, retryAfter: retryAfter)
        case (_, "Forbidden"), (403, _): self = .forbidden(message)
        case (_, "Unauthorized"), (401, _): self = .unauthorized(message)
        case (400, _), (_, "BadRequest"): self = .badRequest(message)
        default: self = .other(code: code, reason: status?.reason, message: message)
        }
    }

    /// `true` for errors worth retrying as they are (throttling, timeouts, 5xx).
    public var isRetryable: Bool {
        switch self {
        case .tooManyRequests, .serverTimeout: return true
        case .other(let code, _, _): return code >= 500
        default: return false
        }
    }

    /// The delay the server asked for, if any.
    public var retryAfter: Duration? {
        switch self {
        case .tooManyRequests(_, let d), .serverTimeout(_, let d): return d
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .badRequest(let m): return "BadRequest: \(m)"
        case .unauthorized(let m): return "Unauthorized: \(m)"
        case .forbidden(let m): return "Forbidden: \(m)"
        case .notFound(let m): return "NotFound: \(m)"
        case .alreadyExists(let m): return "AlreadyExists: \(m)"
        case .conflict(let m): return "Conflict: \(m)"
        case .gone(let m): return "Gone: \(m)"
        case .invalid(let m, let causes):
            let fields = causes.compactMap(\.field)
            return "Invalid: \(m)" + (fields.isEmpty ? "" : " (fields: \(fields.joined(separator: ", ")))")
        case .tooManyRequests(let m, _): return "TooManyRequests: \(m)"
        case .serverTimeout(let m, _): return "ServerTimeout: \(m)"
        case .other(let code, let reason, let m): return "\(code) \(reason ?? "Error"): \(m)"
        }
    }
}
