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

@Suite("Config: token file credentials")
struct ConfigTokenFileTests {
    let dir: ConfigTempDir
    init() throws { dir = try ConfigTempDir() }

    @Test func rereadsAtMostOncePerIntervalAndAfterInvalidate() async throws {
        let path = try dir.write("token", "one\n")
        let provider = TokenFileCredentialProvider(path: path)
        #expect(try await provider.credentials().bearerToken == "one")
        try dir.write("token", "two")
        #expect(try await provider.credentials().bearerToken == "one")
        await provider.invalidate()
        #expect(try await provider.credentials().bearerToken == "two")
    }

    @Test func rereadsAfterTheInterval() async throws {
        let path = try dir.write("token", "one")
        let provider = TokenFileCredentialProvider(path: path, refreshInterval: .milliseconds(200))
        #expect(try await provider.credentials().bearerToken == "one")
        try dir.write("token", "two")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await provider.credentials().bearerToken == "two")
    }

    @Test func keepsLastGoodTokenWhenAPeriodicReadFails() async throws {
        let path = try dir.write("token", "good")
        let provider = TokenFileCredentialProvider(path: path, refreshInterval: .zero)
        #expect(try await provider.credentials().bearerToken == "good")
        try FileManager.default.removeItem(atPath: path)
        #expect(try await provider.credentials().bearerToken == "good")
        await provider.invalidate()
        await #expect(throws: CredentialError.tokenFileUnreadable(path: path, reason: "no such file")) {
            try await provider.credentials()
        }
    }

    @Test func emptyFileIsAnError() async throws {
        let path = try dir.write("token", " \n")
        let provider = TokenFileCredentialProvider(path: path)
        await #expect(throws: CredentialError.tokenFileEmpty(path: path)) { try await provider.credentials() }
    }
}

@Suite("Config: RFC 3339 times")
struct ConfigRFC3339Tests {
    @Test(arguments: [
        ("2030-01-01T00:00:00Z", 1_893_456_000.0),
        ("2030-01-01T00:00:00.5Z", 1_893_456_000.5),
        ("2030-01-01T00:00:00.123456789Z", 1_893_456_000.123456789),
        ("2030-01-01t00:00:00z", 1_893_456_000.0),
        ("2030-01-01T02:30:00+02:30", 1_893_456_000.0),
        ("2029-12-31T23:00:00-01:00", 1_893_456_000.0),
    ])
    func parses(text: String, seconds: Double) throws {
        let date = try #require(RFC3339.date(from: text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_01)
    }

    @Test(arguments: [
        "", "2030-01-01", "2030-01-01T00:00:00", "2030-13-01T00:00:00Z", "2030-02-30T00:00:00Z",
        "2030-01-01T00:00:00.Z", "2030-01-01T00:00:00Zjunk", "30-01-01T00:00:00Z", "2030-01-01T25:00:00Z",
    ])
    func rejects(text: String) {
        #expect(RFC3339.date(from: text) == nil)
    }
}
