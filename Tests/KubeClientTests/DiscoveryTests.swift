import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Testing

@Suite struct DiscoveryTests {
    let transport = ScriptedTransport()
    var client: KubeClient { KubeClient(transport: transport) }

    static let appsV1 = #"""
        {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":[
        {"name":"statefulsets","singularName":"","namespaced":true,"kind":"StatefulSet","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["sts"],"storageVersionHash":"H+vl74LkKdo="},
        {"name":"statefulsets/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]},
        {"name":"statefulsets/status","singularName":"","namespaced":true,"kind":"StatefulSet","verbs":["get","patch","update"]}]}
        """#

    static func notFound(_ path: String) -> HTTPResponse {
        HTTPResponse(
            status: 404,
            body: Data(#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}"#.utf8))
    }

    @Test func serverVersion() async throws {
        transport.on(.get, "/version", json: #"{"major":"1","minor":"20","gitVersion":"v1.20.2","gitCommit":"faecb196815e248d3ecfb03c680a4507229c2a56","gitTreeState":"clean","buildDate":"2021-01-13T13:20:00Z","goVersion":"go1.15.5","compiler":"gc","platform":"linux/amd64"}"#)
        let v = try await client.serverVersion()
        #expect(v.gitVersion == "v1.20.2" && v.platform == "linux/amd64")
        #expect(v.numeric?.major == 1 && v.numeric?.minor == 20)
        let eks = ServerVersion(major: "1", minor: "27+", gitVersion: "v1.27.3-eks")
        #expect(eks.numeric?.major == 1 && eks.numeric?.minor == 27)
        #expect(transport.requests.map(\.path) == ["/version"])
    }

    @Test func apiGroupsIncludesCore() async throws {
        transport.on(.get, "/api", json: #"{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1:6443"}]}"#)
        transport.on(.get, "/apis", json: #"{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}},{"name":"policy","versions":[{"groupVersion":"policy/v1beta1","version":"v1beta1"}],"preferredVersion":{"groupVersion":"policy/v1beta1","version":"v1beta1"}}]}"#)
        let groups = try await client.apiGroups()
        #expect(groups.map(\.name) == ["", "apps", "policy"])
        #expect(groups[0].versions.map(\.groupVersion) == ["v1"])
        #expect(groups[2].preferredVersion?.version == "v1beta1")
    }

    @Test func apiResourcesPaths() async throws {
        transport.on(.get, "/apis/apps/v1", json: Self.appsV1)
        transport.on(.get, "/api/v1", json: #"{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","singularName":"","namespaced":true,"kind":"Pod","verbs":["get"]}]}"#)
        let apps = try await client.apiResources(groupVersion: "apps/v1")
        #expect(apps.resources.map(\.name) == ["statefulsets", "statefulsets/scale", "statefulsets/status"])
        #expect(apps.resources[0].shortNames == ["sts"])
        let core = try await client.apiResources(groupVersion: "v1")
        #expect(core.resources.first?.kind == "Pod")
    }

    @Test func discoveryCachesAndAnswersFalseForUnservedGroupVersions() async throws {
        transport.on(.get, "/apis/apps/v1", json: Self.appsV1)
        transport.on { req in req.path == "/apis/policy/v1" ? DiscoveryTests.notFound(req.path) : nil }
        let discovery = APIDiscovery(client: client)
        #expect(try await discovery.serves(StatefulSet.resource))
        #expect(try await !discovery.serves(Deployment.resource))  // same group version, not listed
        #expect(try await !discovery.serves(PodDisruptionBudget.resource))  // policy/v1 not served (v1.20)
        #expect(try await !discovery.serves(PodDisruptionBudget.resource))
        #expect(try await discovery.resource(StatefulSet.resource)?.shortNames == ["sts"])
        #expect(transport.requests.map(\.path) == ["/apis/apps/v1", "/apis/policy/v1"])
        await discovery.invalidate()
        #expect(try await discovery.serves(StatefulSet.resource))
        #expect(transport.requests.count == 3)
    }

    @Test func discoveryDoesNotCacheFailures() async throws {
        transport.on { req in
            HTTPResponse(status: 503, body: Data(#"{"kind":"Status","status":"Failure","message":"unavailable","code":503}"#.utf8))
        }
        let discovery = APIDiscovery(client: client)
        await #expect(throws: KubeAPIError.other(code: 503, reason: nil, message: "unavailable")) {
            _ = try await discovery.serves(StatefulSet.resource)
        }
        await #expect(throws: KubeAPIError.self) { _ = try await discovery.serves(StatefulSet.resource) }
        #expect(transport.requests.count == 2)
    }

    @Test func concurrentCallersShareOneRequest() async throws {
        transport.on(.get, "/apis/apps/v1", json: Self.appsV1)
        let discovery = APIDiscovery(client: client)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { try await discovery.serves(StatefulSet.resource) } }
            for try await served in group { #expect(served) }
        }
        #expect(transport.requests.count == 1)
    }
}

@Suite struct DiscoveryRealServerTests {
    let transport = ScriptedTransport()

    @Test func decodesWhatAV120ServerSends() async throws {
        transport.on(.get, "/version", json: RealDiscoverySamples.version)
        transport.on(.get, "/api", json: RealDiscoverySamples.api)
        transport.on(.get, "/apis", json: RealDiscoverySamples.apis)
        transport.on(.get, "/apis/apps/v1", json: RealDiscoverySamples.appsV1)
        transport.on(.get, "/api/v1", json: RealDiscoverySamples.coreV1)
        transport.on { req in
            HTTPResponse(status: 404, body: Data(#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}"#.utf8))
        }
        let client = KubeClient(transport: transport)
        #expect(try await client.serverVersion().gitVersion == "v1.20.2")
        let groups = try await client.apiGroups()
        #expect(groups.first?.name == "")
        let policy = try #require(groups.first { $0.name == "policy" })
        #expect(policy.versions.map(\.version) == ["v1beta1"])
        let discovery = APIDiscovery(client: client)
        #expect(try await discovery.serves(StatefulSet.resource))
        #expect(try await discovery.serves(Deployment.resource))
        #expect(try await discovery.serves(Pod.resource))
        #expect(try await discovery.serves(Secret.resource))
        #expect(try await !discovery.serves(PodDisruptionBudget.resource))
        let sts = try #require(await discovery.resource(StatefulSet.resource))
        #expect(sts.namespaced && sts.kind == "StatefulSet" && sts.verbs.contains("watch"))
        let ns = try #require(await discovery.resource(Namespace.resource))
        #expect(!ns.namespaced)
    }
}
