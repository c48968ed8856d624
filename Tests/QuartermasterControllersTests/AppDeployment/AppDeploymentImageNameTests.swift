import Foundation
import Testing

@testable import QuartermasterControllers

/// Image references, pull-Secret logins and registry challenges: pure parsing tables.
@Suite struct AppDeploymentImageNameTests {
    static let digest = "sha256:" + String(repeating: "0f", count: 32)

    struct Case: Sendable, CustomStringConvertible {
        var text: String
        var host: String
        var apiHost: String
        var repository: String
        var tag: String?
        var digest: String?
        var pinnedPrefix: String
        var description: String { text }
    }

    @Test(arguments: [
        Case(text: "ghcr.io/acme/web:1.4", host: "ghcr.io", apiHost: "ghcr.io", repository: "acme/web", tag: "1.4",
            pinnedPrefix: "ghcr.io/acme/web@"),
        Case(text: "nginx", host: "docker.io", apiHost: "registry-1.docker.io", repository: "library/nginx",
            tag: "latest", pinnedPrefix: "nginx@"),
        Case(text: "ipfs/kubo:v0.32.1", host: "docker.io", apiHost: "registry-1.docker.io", repository: "ipfs/kubo",
            tag: "v0.32.1", pinnedPrefix: "ipfs/kubo@"),
        Case(text: "localhost:5000/app", host: "localhost:5000", apiHost: "localhost:5000", repository: "app",
            tag: "latest", pinnedPrefix: "localhost:5000/app@"),
        Case(text: "Registry.Example.com:8443/a/b/c:v1-rc.2", host: "registry.example.com:8443",
            apiHost: "registry.example.com:8443", repository: "a/b/c", tag: "v1-rc.2",
            pinnedPrefix: "Registry.Example.com:8443/a/b/c@"),
        Case(text: "ghcr.io/acme/web@\(digest)", host: "ghcr.io", apiHost: "ghcr.io", repository: "acme/web",
            tag: nil, digest: digest, pinnedPrefix: "ghcr.io/acme/web@"),
        Case(text: "ghcr.io/acme/web:1.4@\(digest)", host: "ghcr.io", apiHost: "ghcr.io", repository: "acme/web",
            tag: "1.4", digest: digest, pinnedPrefix: "ghcr.io/acme/web@"),
    ])
    func parses(_ c: Case) throws {
        let name = try #require(AppDeploymentImageName(c.text))
        #expect(name.registryHost == c.host)
        #expect(name.apiHost == c.apiHost)
        #expect(name.repository == c.repository)
        #expect(name.tag == c.tag)
        #expect(name.digest == c.digest)
        #expect(name.pinned(to: Self.digest) == c.pinnedPrefix + Self.digest)
    }

    @Test(arguments: [
        "", "   ", "ghcr.io//web:1", "web@sha256:abc", "web@md5:" + String(repeating: "0", count: 32),
        "web@sha256:" + String(repeating: "A", count: 64), "web:-bad", "web:bad tag", "web:",
    ])
    func refuses(_ text: String) {
        #expect(AppDeploymentImageName(text) == nil)
    }

    @Test func pullSecretsGiveLoginsByNormalisedHost() throws {
        let hub = Data("hubuser:hubpass".utf8).base64EncodedString()
        let config = #"""
            {"auths":{"https://index.docker.io/v1/":{"auth":"\#(hub)"},
                      "GHCR.io":{"username":"gh","password":"tok"},
                      "empty.example":{}}}
            """#
        let legacy = #"{"legacy.example":{"auth":"\#(Data("l:p".utf8).base64EncodedString())"},"ghcr.io":{"username":"other","password":"x"}}"#
        let credentials = AppDeploymentRegistryCredentials(secrets: [
            (name: "first", data: [".dockerconfigjson": Data(config.utf8)]),
            (name: "broken", data: [".dockerconfigjson": Data("not json".utf8)]),
            (name: "other-kind", data: ["token": Data("x".utf8)]),
            (name: "legacy", data: [".dockercfg": Data(legacy.utf8)]),
        ])
        #expect(credentials.login(for: "docker.io") == .init(username: "hubuser", password: "hubpass"))
        #expect(credentials.login(for: "registry-1.docker.io") == .init(username: "hubuser", password: "hubpass"))
        #expect(credentials.login(for: "ghcr.io") == .init(username: "gh", password: "tok"), "the first Secret wins")
        #expect(credentials.login(for: "legacy.example") == .init(username: "l", password: "p"))
        #expect(credentials.login(for: "empty.example") == nil)
        #expect(credentials.login(for: "quay.io") == nil)
        #expect(credentials.unreadableSecrets == ["broken", "other-kind"])
        #expect(!"\(credentials)".contains("hubpass") && !"\(credentials)".contains("tok\""))
        #expect(!"\(credentials.login(for: "ghcr.io")!)".contains("tok"))
    }

    @Test func challengesAreParsed() throws {
        let bearer = try #require(
            AppDeploymentRegistryChallenge(
                header: #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push""#
            ))
        #expect(bearer.scheme == "bearer")
        #expect(bearer.realm == "https://auth.docker.io/token")
        #expect(bearer.parameters["service"] == "registry.docker.io")
        #expect(bearer.parameters["scope"] == "repository:library/nginx:pull,push")

        let basic = try #require(AppDeploymentRegistryChallenge(header: #"Basic realm="a \"quoted\" realm", charset=UTF-8"#))
        #expect(basic.scheme == "basic")
        #expect(basic.realm == #"a "quoted" realm"#)
        #expect(basic.parameters["charset"] == "UTF-8")
        #expect(AppDeploymentRegistryChallenge(header: "  ") == nil)
    }
}
