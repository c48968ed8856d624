import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Synchronization
import Testing

/// Lists and watches in the Kubernetes protobuf encoding against the real API server: the
/// objects read are the ones a JSON client reads, field for field.
@Suite("Protobuf: lists and watches of built-in kinds against a real API server")
struct ProtobufClientTests {
    @Test(
        "a protobuf client and a JSON client read the same ConfigMaps and Secrets, in lists and in watches",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func sameObjectsAsJSON() async throws {
        let env = try await EnvTest.shared()
        let namespace = try await env.createNamespace("protobuf")
        let configuration = env.clientConfiguration(user: .admin)
        let recorder = try ContentTypeRecorder(configuration)
        defer { recorder.inner.shutdown() }
        let protobufClient = KubeClient(
            transport: recorder, credentials: configuration.credentials, host: recorder.inner.hostAndPort)
        let jsonCurl = try CurlTransport(server: configuration.server, tls: configuration.tls)
        defer { jsonCurl.shutdown() }
        let jsonClient = KubeClient(
            transport: jsonCurl, credentials: configuration.credentials, host: jsonCurl.hostAndPort, protobuf: false)

        // Objects with every field the protobuf readers know.
        let owner = try await jsonClient.create(ConfigMap(metadata: ObjectMeta(name: "owner", namespace: namespace)))
        _ = try await jsonClient.create(
            ConfigMap(
                metadata: ObjectMeta(
                    name: "rich", namespace: namespace, labels: ["app": "web", "tier": "front"],
                    annotations: ["note": "", "example.com/long": String(repeating: "x", count: 300)],
                    ownerReferences: [try #require(owner.ownerReference())], finalizers: ["example.com/guard"]),
                data: ["a": "1", "empty": "", "unicode": "žluťoučký kůň 🐎", "newline": "x\ny"],
                binaryData: ["blob": Data([0, 255, 1, 128]).base64EncodedString()]))
        _ = try await jsonClient.create(
            ConfigMap(metadata: ObjectMeta(name: "frozen", namespace: namespace), data: ["k": "v"], immutable: true))
        _ = try await jsonClient.create(
            Secret(
                metadata: ObjectMeta(name: "creds", namespace: namespace), type: "example.com/custom",
                data: ["key": Data([0xFF, 0x00, 0x41]).base64EncodedString(), "empty": ""], immutable: true))
        _ = try await jsonClient.create(Secret(metadata: ObjectMeta(name: "plain", namespace: namespace)))
        // Deleted while a finalizer holds it: deletionTimestamp and the grace period are set.
        try await jsonClient.delete(ConfigMap.self, name: "rich", namespace: namespace)

        let ours: (ConfigMap) -> Bool = { ["owner", "rich", "frozen", "later"].contains($0.metadata.name ?? "") }
        let byName: (ConfigMap, ConfigMap) -> Bool = { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }
        let protobufList = try await protobufClient.list(ConfigMap.self, namespace: namespace)
        let jsonList = try await jsonClient.list(ConfigMap.self, namespace: namespace)
        let protobufConfigMaps = protobufList.items.filter(ours).sorted(by: byName)
        #expect(protobufConfigMaps.count == 3)
        #expect(protobufConfigMaps == jsonList.items.filter(ours).sorted(by: byName))
        #expect(protobufList.undecodable.isEmpty && protobufList.metadata.resourceVersion?.isEmpty == false)
        let rich = try #require(protobufConfigMaps.first { $0.metadata.name == "rich" })
        #expect(rich.metadata.deletionTimestamp != nil && rich.metadata.deletionGracePeriodSeconds == 0)
        #expect(rich.binaryData?["blob"] == Data([0, 255, 1, 128]).base64EncodedString())

        let protobufSecrets = try await protobufClient.list(Secret.self, namespace: namespace).items
            .filter { ["creds", "plain"].contains($0.metadata.name ?? "") }.sorted { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }
        let jsonSecrets = try await jsonClient.list(Secret.self, namespace: namespace).items
            .filter { ["creds", "plain"].contains($0.metadata.name ?? "") }.sorted { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }
        #expect(protobufSecrets.count == 2 && protobufSecrets == jsonSecrets)
        #expect(protobufSecrets.first?.data?["key"] == "/wBB")
        #expect(recorder.contentTypes.filter { $0 == KubeProtobuf.mediaType }.count == 2, "\(recorder.contentTypes)")

        // Both watch from the same version and see the same events.
        let start = try #require(jsonList.metadata.resourceVersion)
        _ = try await jsonClient.mergePatch(
            ConfigMap.self, name: "owner", namespace: namespace, patch: ["data": ["changed": "yes"]])
        _ = try await jsonClient.create(ConfigMap(metadata: ObjectMeta(name: "later", namespace: namespace)))
        try await jsonClient.delete(ConfigMap.self, name: "later", namespace: namespace)
        var seen: [[Seen]] = []
        for client in [protobufClient, jsonClient] {
            var events: [Seen] = []
            let stream = try await client.watch(
                ConfigMap.self, namespace: namespace,
                options: WatchOptions(resourceVersion: start, timeoutSeconds: 60, allowWatchBookmarks: false))
            for try await event in stream {
                switch event {
                case .added(let o): if ours(o) { events.append(Seen(type: "ADDED", object: o)) }
                case .modified(let o): if ours(o) { events.append(Seen(type: "MODIFIED", object: o)) }
                case .deleted(let o): if ours(o) { events.append(Seen(type: "DELETED", object: o)) }
                case .undecodable(let o, _): Issue.record("undecodable: \(o)")
                case .bookmark, .error: break
                }
                if events.last?.type == "DELETED" { break }
            }
            seen.append(events)
        }
        #expect(seen[0].map(\.type) == ["MODIFIED", "ADDED", "DELETED"])
        #expect(seen[0] == seen[1])
        #expect(recorder.contentTypes.last == "application/vnd.kubernetes.protobuf;stream=watch")

        _ = try await jsonClient.mergePatch(
            ConfigMap.self, name: "rich", namespace: namespace, patch: ["metadata": ["finalizers": nil]])
        try? await jsonClient.delete(Namespace.self, name: namespace)
    }

    /// A kind without a protobuf reader (here a namespace) is asked for, and read as, JSON.
    @Test(
        "kinds without a protobuf reader stay JSON",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func otherKindsStayJSON() async throws {
        let env = try await EnvTest.shared()
        let configuration = env.clientConfiguration(user: .admin)
        let recorder = try ContentTypeRecorder(configuration)
        defer { recorder.inner.shutdown() }
        let client = KubeClient(transport: recorder, credentials: configuration.credentials, host: recorder.inner.hostAndPort)
        let namespaces = try await client.list(Namespace.self)
        #expect(namespaces.items.contains { $0.metadata.name == "default" })
        #expect(recorder.contentTypes == ["application/json"])
    }
}

private struct Seen: Equatable {
    var type: String
    var object: ConfigMap
}

/// A `CurlTransport` that remembers the `Content-Type` of every answer.
private final class ContentTypeRecorder: HTTPTransport {
    let inner: CurlTransport
    private let seen = Mutex<[String]>([])

    init(_ configuration: ClientConfiguration) throws {
        inner = try CurlTransport(server: configuration.server, tls: configuration.tls)
    }

    var contentTypes: [String] { seen.withLock { $0 } }

    private func record(_ headers: [String: String]) {
        seen.withLock { $0.append(headers["content-type"] ?? "") }
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let response = try await inner.send(request)
        record(response.headers)
        return response
    }

    func send(_ request: HTTPRequest, bodySink: any HTTPBodySink) async throws -> HTTPResponse {
        let response = try await inner.send(request, bodySink: bodySink)
        record(response.headers)
        return response
    }

    func stream(_ request: HTTPRequest) async throws -> HTTPLineStream {
        let stream = try await inner.stream(request)
        record(stream.headers)
        return stream
    }
}
