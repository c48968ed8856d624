import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

/// `RefusedWrite.classify`: which answers of the API server are refusals (reported on the
/// object as `Stalled`) and which stay transient errors (retried), and what `DesiredStateApplier`
/// and `KubeClient` make of them.
@Suite struct RefusedWriteTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var error: KubeAPIError
        /// `nil`: transient, not a refusal.
        var reason: RefusedWrite.Reason?
        var testDescription: String { name }
    }

    static let quotaMessage =
        "pods \"c-0\" is forbidden: exceeded quota: quartermaster-quota, requested: requests.cpu=500m, "
        + "used: requests.cpu=1500m, limited: requests.cpu=2"

    static let rows: [Row] = [
        Row(name: "403 RBAC", error: .forbidden("ipfsclusters.quartermaster.dev \"a\" is forbidden: User cannot create"), reason: .forbidden),
        Row(name: "403 quota", error: .forbidden(quotaMessage), reason: .quotaExceeded),
        Row(name: "413", error: .other(code: 413, reason: "RequestEntityTooLarge", message: "too large"), reason: .requestTooLarge),
        Row(name: "422", error: .invalid("ConfigMap \"c\" is invalid", causes: []), reason: .invalid),
        Row(name: "400", error: .badRequest("malformed"), reason: .badRequest),
        Row(name: "415", error: .other(code: 415, reason: "UnsupportedMediaType", message: "no"), reason: .refused),
        Row(name: "409 conflict", error: .conflict("the object has been modified"), reason: nil),
        Row(name: "409 already exists", error: .alreadyExists("exists"), reason: nil),
        Row(name: "404", error: .notFound("gone"), reason: nil),
        Row(name: "401", error: .unauthorized("expired"), reason: nil),
        Row(name: "408", error: .other(code: 408, reason: nil, message: "request timeout"), reason: nil),
        Row(name: "429", error: .tooManyRequests("slow down", retryAfter: nil), reason: nil),
        Row(name: "504", error: .serverTimeout("timeout", retryAfter: nil), reason: nil),
        Row(name: "500", error: .other(code: 500, reason: "InternalError", message: "etcd"), reason: nil),
        Row(name: "503", error: .other(code: 503, reason: "ServiceUnavailable", message: "later"), reason: nil),
    ]

    @Test(arguments: rows) func classifies(_ row: Row) {
        #expect(RefusedWrite.classify(row.error)?.reason == row.reason)
    }

    @Test func transportErrorsAreNotRefusals() {
        #expect(RefusedWrite.classify(TransportError.connection("Connection refused")) == nil)
        #expect(RefusedWrite.classify(TransportError.timedOut("Operation timed out")) == nil)
        #expect(RefusedWrite.classify(CancellationError()) == nil)
    }

    @Test func invalidKeepsTheMessageAndAddsFieldCausesItDoesNotName() {
        let error = KubeAPIError.invalid(
            "ConfigMap \"c\" is invalid: []: Too long: must have at most 1048576 bytes",
            causes: [.init(reason: "FieldValueTooLong", message: "Too long: must have at most 1048576 bytes", field: "[]")])
        let refusal = RefusedWrite.classify(error)
        #expect(refusal?.message == "ConfigMap \"c\" is invalid: []: Too long: must have at most 1048576 bytes")
        let other = RefusedWrite.classify(
            KubeAPIError.invalid("x is invalid", causes: [.init(message: "must be positive", field: "spec.replicas")]))
        #expect(other?.message == "x is invalid (spec.replicas: must be positive)")
    }

    @Test func theApplierNamesTheRefusedObjectAndKeepsTheMessageInFull() async throws {
        let long = Self.quotaMessage + String(repeating: " and more", count: 200)
        let transport = ScriptedTransport()
        transport.on { request in
            guard request.method == .patch else { return nil }
            let status = APIStatus(message: long, reason: "Forbidden", code: 403)
            return HTTPResponse(status: 403, body: (try? KubeJSON.encode(status)) ?? Data())
        }
        let applier = DesiredStateApplier(client: KubeClient(transport: transport), identity: .testOperator)
        let desired = ConfigMap(metadata: ObjectMeta(name: "c", namespace: "ns"), data: ["k": "v"])
        await #expect {
            _ = try await applier.apply(desired, observed: nil)
        } throws: { error in
            guard let refusal = error as? RefusedWrite else { return false }
            return refusal.reason == .quotaExceeded && refusal.kind == "ConfigMap" && refusal.name == "c"
                && refusal.namespace == "ns" && refusal.verb == "apply" && refusal.message == long
                && refusal.description.hasSuffix(long) && refusal.description.contains("ConfigMap ns/c (403)")
        }
    }

    @Test func theApplierLeavesTransientErrorsAsTheyAre() async throws {
        let transport = ScriptedTransport()
        transport.on { _ in HTTPResponse(status: 503, body: Data("unavailable".utf8)) }
        let applier = DesiredStateApplier(client: KubeClient(transport: transport), identity: .testOperator)
        await #expect(throws: KubeAPIError.other(code: 503, reason: nil, message: "unavailable")) {
            _ = try await applier.apply(ConfigMap(metadata: ObjectMeta(name: "c", namespace: "ns")), observed: nil)
        }
    }

    @Test func aBodyLargerThanTheServerAcceptsIsNotSent() async throws {
        let transport = ScriptedTransport()
        let client = KubeClient(transport: transport, maxRequestBodySize: 1024)
        let applier = DesiredStateApplier(client: client, identity: .testOperator)
        let big = ConfigMap(
            metadata: ObjectMeta(name: "big", namespace: "ns"), data: ["k": String(repeating: "x", count: 2048)])
        await #expect {
            _ = try await applier.apply(big, observed: nil)
        } throws: { error in
            (error as? RefusedWrite)?.reason == .requestTooLarge && (error as? RefusedWrite)?.code == 413
        }
        #expect(transport.requests.isEmpty)
    }

    @Test func aLargeBodyWhoseStreamIsResetIsReportedAsTooLarge() async throws {
        /// Fails every request as libcurl does when the API server resets an HTTP/2 stream.
        struct ResettingTransport: HTTPTransport {
            func send(_ request: HTTPRequest) async throws -> HTTPResponse {
                throw TransportError.connection("Stream error in the HTTP/2 framing layer")
            }
            func stream(_ request: HTTPRequest) async throws -> HTTPLineStream {
                throw TransportError.connection("Stream error in the HTTP/2 framing layer")
            }
        }
        let client = KubeClient(transport: ResettingTransport())
        let large = ConfigMap(
            metadata: ObjectMeta(name: "big", namespace: "ns"),
            data: ["k": String(repeating: "x", count: KubeClient.largeRequestBodySize - 20)])  // fits the 1 MiB of data, not the body
        await #expect {
            _ = try await DesiredStateApplier(client: client, identity: .testOperator).apply(large, observed: nil)
        } throws: { error in
            guard let refusal = error as? RefusedWrite else { return false }
            return refusal.reason == .requestTooLarge && refusal.message.contains("Stream error in the HTTP/2 framing layer")
        }
        // A small body's reset stays a network error, retried as such.
        await #expect(throws: TransportError.connection("Stream error in the HTTP/2 framing layer")) {
            _ = try await client.apply(
                ConfigMap(metadata: ObjectMeta(name: "small", namespace: "ns")), fieldManager: "m")
        }
    }

    @Test func dataPastTheAPIServersLimitIsNotSent() async throws {
        let transport = ScriptedTransport()
        let applier = DesiredStateApplier(client: KubeClient(transport: transport), identity: .testOperator)
        let big = ConfigMap(
            metadata: ObjectMeta(name: "peers", namespace: "ns"),
            data: ["peers.json": String(repeating: "x", count: DataSizeLimit.maxBytes)])
        await #expect {
            _ = try await applier.apply(big, observed: nil)
        } throws: { error in
            guard let refusal = error as? RefusedWrite else { return false }
            return refusal.reason == .requestTooLarge
                && refusal.description
                    == "not sent: the API server would refuse to apply ConfigMap ns/peers: its data is 1048586 bytes, "
                    + "more than the 1048576 bytes the API server stores in a ConfigMap"
        }
        #expect(transport.requests.isEmpty)
        let secret = Secret(metadata: ObjectMeta(name: "s", namespace: "ns"), data: ["k": Data(count: 16).base64EncodedString()])
        #expect(DataSizeLimit.size(of: secret) == 17, "a Secret's data is counted decoded")
        #expect(DataSizeLimit.size(of: Service()) == nil)
    }

    @Test func aMalformedSecretsMessageIsNotShown() async throws {
        let leaky = "Object 'Kind' is missing in '{\"data\":{\"key\":\"c2VjcmV0\"}}'"
        await #expect {
            try await RefusedWrite.guarding("create", kind: "Secret", namespace: "ns", name: "s") {
                throw KubeAPIError.badRequest(leaky)
            }
        } throws: { error in
            guard let refusal = error as? RefusedWrite else { return false }
            return refusal.reason == .badRequest && !refusal.description.contains("c2VjcmV0")
        }
        await #expect {
            try await RefusedWrite.guarding("apply", kind: "ConfigMap", namespace: "ns", name: "c") {
                throw KubeAPIError.badRequest(leaky)
            }
        } throws: { error in (error as? RefusedWrite)?.message == leaky }
    }
}
