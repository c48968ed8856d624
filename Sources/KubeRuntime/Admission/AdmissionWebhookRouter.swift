import Foundation
import KubeCore

/// The HTTP side of the admission webhook, without I/O: routes a POST by exact path to its
/// validator and turns the verdict into an AdmissionReview response.
///
/// - Unknown path: 404. Other methods than POST: 405. A body that is not an
///   `admission.k8s.io/v1` AdmissionReview with a request: 400, never a crash.
/// - The validator's verdict is answered 200 with `response.uid` set to the request's.
public struct AdmissionWebhookRouter: Sendable {
    /// Validators by exact path (`/validate-example-dev-v1-widget`).
    public var routes: [String: AdmissionValidator]

    public init(routes: [String: AdmissionValidator]) { self.routes = routes }

    /// The response to `request`.
    public func respond(to request: WebhookHTTPRequest) async -> WebhookHTTPResponse {
        guard let validator = routes[request.path] else { return .text(404, "not found") }
        guard request.method == "POST" else { return .text(405, "method not allowed") }
        if let type = request.header("content-type"), !type.lowercased().hasPrefix("application/json") {
            return .text(415, "expected application/json")
        }
        let admission: AdmissionRequest
        do { admission = try AdmissionReview.decodeRequest(from: request.body) } catch {
            return .text(400, "\(error)")
        }
        let verdict = await validator(admission)
        do {
            let body = try AdmissionReview.encodeResponse(verdict.response(uid: admission.uid))
            return WebhookHTTPResponse(status: 200, contentType: "application/json", body: body)
        } catch {
            return .text(500, "cannot encode the response: \(error)")
        }
    }
}
