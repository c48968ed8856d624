import Foundation
import KubeClient
import Testing

@testable import QuartermasterControllers

/// The HTTP resolver against a registry stand-in started by the test (``RegistryStandIn``):
/// anonymous and login bearer tokens, Basic challenges, a registry without the digest header,
/// unknown tags, HTTPS-only outside `--insecure-registry` hosts.
@Suite struct AppDeploymentImageResolverTests {
    static let webManifest = #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#
    static let privateManifest = #"{"schemaVersion":2,"private":true}"#
    static let basicManifest = #"{"schemaVersion":2,"basic":true}"#
    static let plainManifest = #"{"schemaVersion":2,"noDigestHeader":true}"#
    static let login = ("robot", "s3cret-pass")

    static func standIn() async throws -> RegistryStandIn {
        try await RegistryStandIn(
            RegistryStandIn.Configuration(
                manifests: [
                    "acme/web:1.4": webManifest, "acme/private:2": privateManifest, "acme/basic:1": basicManifest,
                    "acme/plain:1": plainManifest,
                ],
                privateRepositories: ["acme/private": [login.0, login.1], "acme/basic": [login.0, login.1]],
                basicRepositories: ["acme/basic"],
                repositoriesWithoutDigestHeader: ["acme/plain"]))
    }

    /// Pull-Secret credentials with `login` for `host`, as a `.dockerconfigjson`.
    static func credentials(host: String, user: String = login.0, password: String = login.1)
        -> AppDeploymentRegistryCredentials
    {
        let auth = Data("\(user):\(password)".utf8).base64EncodedString()
        let json = #"{"auths":{"\#(host)":{"auth":"\#(auth)"}}}"#
        return AppDeploymentRegistryCredentials(secrets: [(name: "regcred", data: [".dockerconfigjson": Data(json.utf8)])])
    }

    static func name(_ text: String) throws -> AppDeploymentImageName {
        try #require(AppDeploymentImageName(text))
    }

    @Test func resolvesAPublicTagWithAnAnonymousBearerToken() async throws {
        let registry = try await Self.standIn()
        let resolver = AppDeploymentImageResolver(insecureRegistries: [registry.host])
        let digest = try await resolver.resolveDigest(
            of: Self.name("\(registry.host)/acme/web:1.4"), credentials: .none)
        #expect(digest == RegistryStandIn.digest(of: Self.webManifest))

        let received = try await registry.received()
        #expect(received.map(\.method) == ["HEAD", "HEAD"])
        #expect(received.map(\.authorization) == ["no", "yes"])
        for accept in AppDeploymentImageResolver.manifestMediaTypes {
            #expect(received.first?.accept.contains(accept) == true, "Accept lacks \(accept)")
        }
    }

    @Test func aPrivateRepositoryNeedsThePullSecretsLogin() async throws {
        let registry = try await Self.standIn()
        let resolver = AppDeploymentImageResolver(insecureRegistries: [registry.host])
        let image = try Self.name("\(registry.host)/acme/private:2")

        let digest = try await resolver.resolveDigest(of: image, credentials: Self.credentials(host: registry.host))
        #expect(digest == RegistryStandIn.digest(of: Self.privateManifest))

        let wrong = Self.credentials(host: registry.host, password: "wrong-secret-value")
        let error = await #expect(throws: AppDeploymentImageResolutionError.self) {
            _ = try await resolver.resolveDigest(of: image, credentials: wrong)
        }
        let message = error?.message ?? ""
        #expect(message.contains("401"), "\(message)")
        #expect(message.contains("token service \(registry.host)"), "\(message)")
        #expect(!message.contains("wrong-secret-value") && !message.contains("robot"), "\(message)")

        let anonymous = await #expect(throws: AppDeploymentImageResolutionError.self) {
            _ = try await resolver.resolveDigest(of: image, credentials: .none)
        }
        #expect(anonymous?.message.contains("401") == true)
    }

    @Test func aBasicChallengeGetsTheLogin() async throws {
        let registry = try await Self.standIn()
        let resolver = AppDeploymentImageResolver(insecureRegistries: [registry.host])
        let image = try Self.name("\(registry.host)/acme/basic:1")
        let digest = try await resolver.resolveDigest(of: image, credentials: Self.credentials(host: registry.host))
        #expect(digest == RegistryStandIn.digest(of: Self.basicManifest))

        let error = await #expect(throws: AppDeploymentImageResolutionError.self) {
            _ = try await resolver.resolveDigest(of: image, credentials: .none)
        }
        #expect(error?.message.contains("no pull Secret has one") == true, "\(error?.message ?? "")")
    }

    @Test func withoutTheDigestHeaderTheManifestIsHashed() async throws {
        let registry = try await Self.standIn()
        let resolver = AppDeploymentImageResolver(insecureRegistries: [registry.host])
        let digest = try await resolver.resolveDigest(
            of: Self.name("\(registry.host)/acme/plain:1"), credentials: .none)
        #expect(digest == RegistryStandIn.digest(of: Self.plainManifest))
        let received = try await registry.received()
        #expect(received.last?.method == "GET")
    }

    @Test func anUnknownTagNamesTheRegistrysStatusLine() async throws {
        let registry = try await Self.standIn()
        let resolver = AppDeploymentImageResolver(insecureRegistries: [registry.host])
        let error = await #expect(throws: AppDeploymentImageResolutionError.self) {
            _ = try await resolver.resolveDigest(of: Self.name("\(registry.host)/acme/web:9.9"), credentials: .none)
        }
        let message = error?.message ?? ""
        #expect(message.contains("404 Not Found"), "\(message)")
        #expect(message.contains("acme/web:9.9"), "\(message)")
    }

    @Test func aHostNotNamedInsecureIsAskedOverHTTPSOnly() async throws {
        let registry = try await Self.standIn()
        let resolver = AppDeploymentImageResolver()
        let error = await #expect(throws: AppDeploymentImageResolutionError.self) {
            _ = try await resolver.resolveDigest(of: Self.name("\(registry.host)/acme/web:1.4"), credentials: .none)
        }
        #expect(error?.message.contains("asking registry \(registry.host)") == true, "\(error?.message ?? "")")
        // The plain-HTTP server saw no manifest request it could answer.
        #expect(try await registry.received().isEmpty)
    }

    @Test func aDigestIsUsedAsIsWithoutAsking() async throws {
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        // Nothing listens on port 9 of 127.0.0.9: any request would fail.
        let resolved = try await AppDeploymentImageResolver().resolveDigest(
            of: Self.name("127.0.0.9:9/acme/web:1.4@\(digest)"), credentials: .none)
        #expect(resolved == digest)
    }

    @Test func anAnswerOverTheBodyCapFails() async throws {
        let error = await #expect(throws: TransportError.self) {
            let registry = try await Self.standIn()
            _ = try await OneShotHTTPRequest(
                url: "http://\(registry.host)/v2/acme/web/manifests/1.4", maxBodySize: 4, allowsPlainHTTP: true
            ).perform()
        }
        #expect(error == .bodyTooLarge(limit: 4))
    }
}
