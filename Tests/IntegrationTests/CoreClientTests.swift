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
