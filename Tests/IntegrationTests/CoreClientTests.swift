import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Testing

/// `KubeClient` over `CurlTransport` against the real API server: both ways of
/// authenticating, RBAC denials as typed errors, HTTP/2, and paged lists.
@Suite("Core: client against a real API server")
struct CoreClientTests {
    @Test(
        "token and client-certificate users list namespaces; the operator user is forbidden",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func authentication() async throws {
        let env = try await EnvTest.shared()
        for user in [EnvTestUser.admin, .certAdmin] {
            let client = try KubeClient(configuration: env.clientConfiguration(user: user))
            let namespaces = try await client.list(Namespace.self)
            let names = namespaces.items.compactMap(\.metadata.name)
            #expect(names.contains("default"), "\(user): \(names)")
            #expect(names.contains("kube-system"), "\(user): \(names)")
        }
        let operatorClient = try KubeClient(configuration: env.clientConfiguration(user: .operator))
        do {
            _ = try await operatorClient.list(Namespace.self)
            Issue.record("the operator user listed namespaces without any role")
        } catch KubeAPIError.forbidden(let message) {
            #expect(message.contains("quartermaster-operator"), "\(message)")
        }
        // An unknown token is a 401, retried once with fresh credentials, then thrown.
        var bogus = env.clientConfiguration(user: .admin)
        bogus.credentials = StaticCredentials(Credentials(bearerToken: "not-a-valid-token"))
        let unauthenticated = try KubeClient(configuration: bogus)
        await #expect(throws: KubeAPIError.self) { _ = try await unauthenticated.list(Namespace.self) }
    }

    @Test(
        "CurlTransport negotiates HTTP/2 with the API server and reuses the connection",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func http2() async throws {
        let env = try await EnvTest.shared()
        let configuration = env.clientConfiguration(user: .admin)
        let transport = try CurlTransport(server: configuration.server, tls: configuration.tls)
        defer { transport.shutdown() }
        let token = try #require(env.token(for: .admin))
        let request = HTTPRequest(
            method: .get, path: "/api/v1/namespaces/default", headers: ["Authorization": "Bearer \(token)"])
        let first = try await transport.sendReportingInfo(request)
        #expect(first.response.status == 200)
        #expect(first.info.httpVersion == "2")
        let second = try await transport.sendReportingInfo(request)
        #expect(second.response.status == 200)
        #expect(second.info.httpVersion == "2")
        #expect(second.info.newConnections == 0, "the second request should reuse the first one's connection")
        print("CoreClientTests.http2: HTTP/\(first.info.httpVersion), new connections \(first.info.newConnections) then \(second.info.newConnections)")
    }

    @Test(
        "large lists sent at once by one fresh transport all complete (a controller's informers at start)",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func concurrentLargeLists() async throws {
        let env = try await EnvTest.shared()
        let admin = try KubeClient(configuration: env.clientConfiguration(user: .admin))
        // Two namespaces of 700 ConfigMaps with ~1.5 KB of data each: two ~1.2 MB lists.
        let payload = String(repeating: "0123456789abcdef", count: 96)
        var namespaces: [String] = []
        for side in ["a", "b"] {
            let namespace = try await env.createNamespace("core-lists-\(side)")
            namespaces.append(namespace)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        for i in stride(from: worker, to: 700, by: 8) {
                            _ = try await admin.create(
                                CoreTest.configMap(String(format: "cm-%03d", i), namespace: namespace, value: payload))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        // A fresh transport each round, as a controller that starts (or restarts): its first
        // requests are these lists, at once, from the API server's watch cache. libcurl 7.88
        // stalled one of two such lists multiplexed on one HTTP/2 connection until the request
        // timed out (seen in the benchmark's restart phase).
        let configuration = env.clientConfiguration(user: .admin)
        for _ in 0..<25 {
            let curl = try CurlTransport(server: configuration.server, tls: configuration.tls)
            defer { curl.shutdown() }
            let client = KubeClient(
                transport: curl, credentials: configuration.credentials, defaultNamespace: "default",
                host: curl.hostAndPort)
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for namespace in namespaces {
                    group.addTask {
                        // The namespace's own kube-root-ca.crt (the controller manager's) aside.
                        try await client.list(ConfigMap.self, namespace: namespace, options: ListOptions(resourceVersion: "0"))
                            .items.count { $0.metadata.name?.hasPrefix("cm-") == true }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(counts == [700, 700])
        }
        // Such a body goes over HTTP/1.1; everything else stays on HTTP/2.
        let curl = try CurlTransport(server: configuration.server, tls: configuration.tls)
        defer { curl.shutdown() }
        let token = try #require(env.token(for: .admin))
        let request = HTTPRequest(
            method: .get, path: "/api/v1/namespaces/\(namespaces[0])/configmaps",
            headers: ["Authorization": "Bearer \(token)"])
        let sink = ObjectListStreamDecoder<ConfigMap>()
        let sunk = try await curl.sendReportingInfo(request, bodySink: sink)
        #expect(sunk.info.httpVersion == "1.1")
        #expect(try sink.finish().items.count { $0.metadata.name?.hasPrefix("cm-") == true } == 700)
        #expect(try await curl.sendReportingInfo(request).info.httpVersion == "2")
        // The 1400 ConfigMaps go with their namespaces (the controller manager's namespace
        // controller), so later lists on the shared API server do not carry them.
        for namespace in namespaces { try? await admin.delete(Namespace.self, name: namespace) }
    }

    @Test(
        "listAll follows continue tokens: 25 ConfigMaps in pages of 10",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func pagedList() async throws {
        let env = try await EnvTest.shared()
        let namespace = try await env.createNamespace("core-paging")
        let (client, counting) = try CoreTest.countingClient(env)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<25 {
                group.addTask {
                    _ = try await client.create(
                        CoreTest.configMap(String(format: "cm-%02d", i), namespace: namespace, value: "\(i)"))
                }
            }
            try await group.waitForAll()
        }
        counting.reset()
        let (items, resourceVersion) = try await client.listAll(ConfigMap.self, namespace: namespace, pageSize: 10)
        let names = items.compactMap(\.metadata.name).filter { $0.hasPrefix("cm-") }
        #expect(names.count == 25)
        #expect(Set(names).count == 25)
        #expect(!resourceVersion.isEmpty)
        let lists = counting.requests(to: "/api/v1/namespaces/\(namespace)/configmaps")
        // 25 ConfigMaps (plus the namespace's kube-root-ca.crt on newer servers) in pages of 10.
        #expect(lists.count == 3, "\(lists)")
        #expect(lists.allSatisfy { $0.value("limit") == "10" })
        #expect(lists.first?.value("continue") == nil)
        #expect(lists.dropFirst().allSatisfy { $0.value("continue") != nil })
        try await env.kubectlChecked(["delete", "namespace", namespace, "--wait=false"])
    }
}
