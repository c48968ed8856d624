import Foundation
import Testing

@testable import KubeClient

@Suite("Config: in-cluster configuration")
struct ConfigInClusterTests {
    let dir: ConfigTempDir
    let token: String
    let ca: String
    let namespace: String

    init() throws {
        dir = try ConfigTempDir()
        token = try dir.write("sa/token", "sa-token-1\n")
        ca = try dir.write("sa/ca.crt", ConfigFixtures.caPEM)
        namespace = try dir.write("sa/namespace", "operators\n")
    }

    func load(host: String = "10.96.0.1", port: String = "443") throws -> ClientConfiguration {
        try InClusterConfig.load(
            environment: ["KUBERNETES_SERVICE_HOST": host, "KUBERNETES_SERVICE_PORT": port], tokenPath: token,
            caPath: ca, namespacePath: namespace)
    }

    @Test func loadsServerTokenCANamespace() async throws {
        let config = try load()
        #expect(config.server == "https://10.96.0.1:443")
        #expect(config.tls.certificateAuthorityPEM == Data(ConfigFixtures.caPEM.utf8))
        #expect(config.namespace == "operators")
        #expect(config.source == "in-cluster")
        #expect(config.contextName == nil)
        #expect(try await config.credentials.credentials().bearerToken == "sa-token-1")
        #expect(config.credentials is TokenFileCredentialProvider)
    }

    @Test func bracketsIPv6Hosts() throws {
        #expect(try load(host: "fd00:10:96::1", port: "6443").server == "https://[fd00:10:96::1]:6443")
        #expect(try load(host: "[fd00::1]").server == "https://[fd00::1]:443")
    }

    @Test func rotatedTokenIsPickedUpAfterInvalidate() async throws {
        let config = try load()
        #expect(try await config.credentials.credentials().bearerToken == "sa-token-1")
        try dir.write("sa/token", "sa-token-2")
        // Within the minute: still the cached token.
        #expect(try await config.credentials.credentials().bearerToken == "sa-token-1")
        await config.credentials.invalidate()
        #expect(try await config.credentials.credentials().bearerToken == "sa-token-2")
    }

    @Test func missingNamespaceFileMeansDefault() throws {
        try FileManager.default.removeItem(atPath: namespace)
        #expect(try load().namespace == nil)
    }

    @Test func failures() throws {
        let notInCluster = #expect(throws: InClusterConfigError.self) {
            try InClusterConfig.load(environment: [:], tokenPath: token, caPath: ca, namespacePath: namespace)
        }
        #expect(notInCluster == .notInCluster(missingVariables: ["KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"]))
        #expect(!InClusterConfig.isAvailable(environment: ["KUBERNETES_SERVICE_HOST": "x"]))

        #expect(throws: InClusterConfigError.invalidPort("https")) { try load(port: "https") }

        try FileManager.default.removeItem(atPath: token)
        let tokenError = #expect(throws: InClusterConfigError.self) { try load() }
        #expect(tokenError?.description.contains(token) == true)

        try dir.write("sa/token", "t")
        try FileManager.default.removeItem(atPath: ca)
        let caError = #expect(throws: InClusterConfigError.self) { try load() }
        #expect(caError == .unreadableCA(path: ca, reason: "no such file"))
        #expect(caError?.description.contains(ca) == true)
    }
}
