import Foundation
import KubeClient
import KubeCore
import KubeTestSupport

/// Answers `GET /apis/policy/v1` with a resource list holding `poddisruptionbudgets`, as
/// v1.21+ servers do; everything else goes to the fake server.
final class PolicyV1DiscoveryTransport: HTTPTransport {
    let inner: FakeAPIServer
    init(inner: FakeAPIServer) { self.inner = inner }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        if request.method == .get && request.path == "/apis/policy/v1" {
            let body: JSONValue = [
                "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "policy/v1",
                "resources": [
                    [
                        "name": "poddisruptionbudgets", "singularName": "", "namespaced": true,
                        "kind": "PodDisruptionBudget", "verbs": ["get", "list", "watch", "create", "patch", "delete"],
                    ]
                ],
            ]
            return HTTPResponse(status: 200, headers: ["content-type": "application/json"], body: try KubeJSON.encode(body))
        }
        return try await inner.send(request)
    }

    func stream(_ request: HTTPRequest) async throws -> HTTPLineStream { try await inner.stream(request) }
}
