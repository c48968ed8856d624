import Foundation

/// An `admission.k8s.io/v1` AdmissionReview: the API server sends one with a `request` to a
/// webhook, which answers one with a `response` (same `uid`).
///
/// Sans-IO: ``decodeRequest(from:)`` turns the bytes of a POST body into an ``AdmissionRequest``
/// (or a ``AdmissionReviewDecodingError`` for anything malformed), and ``encodeResponse(_:)``
/// turns a verdict back into bytes.
public struct AdmissionReview: Codable, Sendable, Hashable {
    /// The only version this type speaks: `admission.k8s.io/v1`.
    public static let apiVersion = "admission.k8s.io/v1"
    /// Always `AdmissionReview`.
    public static let kind = "AdmissionReview"

    public var apiVersion: String
    public var kind: String
    public var request: AdmissionRequest?
    public var response: AdmissionResponse?

    public init(request: AdmissionRequest? = nil, response: AdmissionResponse? = nil) {
        self.apiVersion = Self.apiVersion
        self.kind = Self.kind
        self.request = request
        self.response = response
    }

    /// Decodes a review sent by the API server and returns its request.
    ///
    /// - Throws: ``AdmissionReviewDecodingError`` when the body is not JSON of an
    ///   `admission.k8s.io/v1` AdmissionReview with a request that has a `uid`.
    public static func decodeRequest(from body: Data) throws(AdmissionReviewDecodingError) -> AdmissionRequest {
        let review: AdmissionReview
        do { review = try KubeJSON.decode(AdmissionReview.self, from: body) } catch {
            throw .malformed("\(error)")
        }
        guard review.apiVersion == apiVersion, review.kind == kind else {
            throw .unsupportedVersion(apiVersion: review.apiVersion, kind: review.kind)
        }
        guard let request = review.request else { throw .missingRequest }
        guard !request.uid.isEmpty else { throw .missingUID }
        return request
    }

    /// The bytes of a review carrying `response`.
    public static func encodeResponse(_ response: AdmissionResponse) throws -> Data {
        try KubeJSON.encode(AdmissionReview(response: response))
    }
}

/// Why the bytes of a POST are not an AdmissionReview this webhook can answer (answered 400).
public enum AdmissionReviewDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not JSON, or not the shape of an AdmissionReview.
    case malformed(String)
    /// Another `apiVersion` or `kind` than `admission.k8s.io/v1` `AdmissionReview`.
    case unsupportedVersion(apiVersion: String, kind: String)
    /// No `request`.
    case missingRequest
    /// The request has an empty `uid`.
    case missingUID

    public var description: String {
        switch self {
        case .malformed(let detail): return "the body is not an AdmissionReview: \(detail)"
        case .unsupportedVersion(let v, let k): return "expected admission.k8s.io/v1 AdmissionReview, got \(v) \(k)"
        case .missingRequest: return "the AdmissionReview has no request"
        case .missingUID: return "the AdmissionReview's request has no uid"
        }
    }
}
