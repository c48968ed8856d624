import Foundation
import Testing

@testable import KubeClient

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
