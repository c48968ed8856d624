import Crypto
import Foundation
import KubeClient

/// Resolves an image tag to the digest of the manifest the registry serves for it now, so an
/// AppDeployment never runs a tag unpinned. ``AppDeploymentImageResolver`` asks the registry
/// over HTTPS; unit tests inject a table.
public protocol ImageDigestResolving: Sendable {
    /// The digest (`sha256:<64 hex>`) `image` stands for: its own digest when it carries one
    /// (no I/O), else the registry's answer for its tag. `credentials` are the logins of the
    /// pull Secrets. Fails with ``AppDeploymentImageResolutionError``.
    func resolveDigest(of image: AppDeploymentImageName, credentials: AppDeploymentRegistryCredentials) async throws
        -> String
}

/// Why a tag could not be resolved: a message for `status` (the registry's status line, the
/// host asked; never credentials or tokens).
public struct AppDeploymentImageResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// ``ImageDigestResolving`` over the OCI distribution API, one libcurl request at a time
/// (``OneShotHTTPRequest``):
///
/// 1. `HEAD /v2/<repository>/manifests/<tag>` on the registry's API host (`registry-1.docker.io`
///    for Docker Hub), accepting OCI index and manifest and Docker manifest list and v2 manifest
///    (``manifestMediaTypes``).
/// 2. `401` with `WWW-Authenticate: Bearer realm=…,service=…,scope=…` → `GET realm?service=…&scope=…`
///    (scope `repository:<repository>:pull` when the challenge names none), with `Authorization:
///    Basic` when a pull Secret has a login for the registry's host; the JSON answer's `token`
///    (or `access_token`) is sent as `Authorization: Bearer` on a second `HEAD`. A `Basic`
///    challenge gets the login itself (none → an error saying so).
/// 3. `2xx` → the `Docker-Content-Digest` header; a registry that sends none is asked with `GET`
///    and the digest is the SHA-256 of the manifest's bytes (at most ``maxManifestBodySize``).
///
/// Guarantees: HTTPS only, with the system's certificate authorities, except for hosts (with
/// port, as written in the image: `localhost:5000`) in ``insecureRegistries`` (`quartermaster run
/// --insecure-registry`), which are asked over plain HTTP, token realms included; no redirects;
/// each request bounded by ``requestTimeout`` (10 s) and its body by ``maxTokenBodySize`` or
/// ``maxManifestBodySize``. Only a digest of the form `sha256:<64 hex>` is returned. Which
/// registries may be asked is the tenant policy's business, checked before.
public struct AppDeploymentImageResolver: ImageDigestResolving {
    /// The `Accept` list of the manifest request.
    public static let manifestMediaTypes = [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
    /// Bounds each request, connect included. 10 s.
    public static let requestTimeout: Duration = .seconds(10)
    /// The largest token answer read. 64 KiB.
    public static let maxTokenBodySize = 64 * 1024
    /// The largest manifest read (only when the registry sends no digest header). 4 MiB.
    public static let maxManifestBodySize = 4 * 1024 * 1024

    /// Registry hosts (`host:port`, lower-cased) asked over plain HTTP.
    public var insecureRegistries: Set<String>
    /// Certificate authorities (PEM) trusted instead of the system's; `nil` (default): the system's.
    public var certificateAuthorityPEM: Data?

    /// - Parameters:
    ///   - insecureRegistries: hosts asked over plain HTTP. Default none.
    ///   - certificateAuthorityPEM: default `nil`: the system's certificate authorities.
    public init(insecureRegistries: [String] = [], certificateAuthorityPEM: Data? = nil) {
        self.insecureRegistries = Set(insecureRegistries.map { AppDeploymentRegistryCredentials.normalizedHost($0) })
        self.certificateAuthorityPEM = certificateAuthorityPEM
    }

    public func resolveDigest(of image: AppDeploymentImageName, credentials: AppDeploymentRegistryCredentials)
        async throws -> String
    {
        if let digest = image.digest { return digest }
        guard let tag = image.tag else { throw AppDeploymentImageResolutionError("\(image.text) has neither tag nor digest") }
        let host = image.apiHost
        let what = "\(image.registryHost)/\(image.repository):\(tag)"
        let url = "\(scheme(for: host))://\(host)/v2/\(image.repository)/manifests/\(tag)"
        let login = credentials.login(for: image.registryHost)

        var authorization: String?
        var response = try await manifest(url, method: .head, authorization: nil, host: host)
        if response.status == 401 {
            guard let challenge = response.header("www-authenticate").flatMap(AppDeploymentRegistryChallenge.init(header:))
            else {
                throw AppDeploymentImageResolutionError(
                    "registry \(host) answered \(response.statusLine) for \(what) without an authentication challenge")
            }
            authorization = try await self.authorization(
                for: challenge, repository: image.repository, login: login, registry: image.registryHost)
            response = try await manifest(url, method: .head, authorization: authorization, host: host)
        }
        guard (200..<300).contains(response.status) else {
            let with = authorization == nil ? "" : (login == nil ? " (anonymous token)" : " (with the pull Secret's login)")
            throw AppDeploymentImageResolutionError("registry \(host) answered \(response.statusLine) for \(what)\(with)")
        }
        if let digest = response.header("docker-content-digest")?.trimmingCharacters(in: .whitespaces),
            AppDeploymentImageName.isDigest(digest)
        {
            return digest
        }
        let body = try await manifest(url, method: .get, authorization: authorization, host: host)
        guard (200..<300).contains(body.status) else {
            throw AppDeploymentImageResolutionError("registry \(host) answered \(body.statusLine) for \(what)")
        }
        if let digest = body.header("docker-content-digest")?.trimmingCharacters(in: .whitespaces),
            AppDeploymentImageName.isDigest(digest)
        {
            return digest
        }
        return "sha256:" + SHA256.hash(data: body.body).map { String(format: "%02x", $0) }.joined()
    }

    /// `http` for an insecure registry host, else `https`.
    func scheme(for host: String) -> String { insecureRegistries.contains(host.lowercased()) ? "http" : "https" }

    private func manifest(_ url: String, method: OneShotHTTPRequest.Method, authorization: String?, host: String)
        async throws -> OneShotHTTPRequest.Response
    {
        var headers: [(name: String, value: String)] = [("Accept", Self.manifestMediaTypes.joined(separator: ", "))]
        if let authorization { headers.append(("Authorization", authorization)) }
        return try await send(
            OneShotHTTPRequest(
                method: method, url: url, headers: headers, timeout: Self.requestTimeout,
                maxBodySize: Self.maxManifestBodySize, allowsPlainHTTP: insecureRegistries.contains(host.lowercased()),
                certificateAuthorityPEM: certificateAuthorityPEM),
            asking: "registry \(host)")
    }

    /// The `Authorization` value answering `challenge`: a bearer token from its realm, or the
    /// login for a `Basic` challenge.
    private func authorization(
        for challenge: AppDeploymentRegistryChallenge, repository: String,
        login: AppDeploymentRegistryCredentials.Login?, registry: String
    ) async throws -> String {
        switch challenge.scheme {
        case "basic":
            guard let login else {
                throw AppDeploymentImageResolutionError(
                    "registry \(registry) asks for a login and no pull Secret has one for \(registry)")
            }
            return "Basic \(login.basic)"
        case "bearer":
            guard let realm = challenge.realm, var components = URLComponents(string: realm),
                let scheme = components.scheme?.lowercased(), let realmHost = components.host?.lowercased()
            else {
                throw AppDeploymentImageResolutionError("registry \(registry) sent a Bearer challenge without a usable realm")
            }
            let hostPort = components.port.map { "\(realmHost):\($0)" } ?? realmHost
            let plain = insecureRegistries.contains(hostPort)
            guard scheme == "https" || (scheme == "http" && plain) else {
                throw AppDeploymentImageResolutionError(
                    "registry \(registry) names the token service \(hostPort) over \(scheme); only https is used")
            }
            var query = components.queryItems ?? []
            if let service = challenge.parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
            query.append(URLQueryItem(name: "scope", value: challenge.parameters["scope"] ?? "repository:\(repository):pull"))
            components.queryItems = query
            guard let url = components.string else {
                throw AppDeploymentImageResolutionError("registry \(registry) sent a Bearer challenge without a usable realm")
            }
            var headers: [(name: String, value: String)] = [("Accept", "application/json")]
            if let login { headers.append(("Authorization", "Basic \(login.basic)")) }
            let response = try await send(
                OneShotHTTPRequest(
                    method: .get, url: url, headers: headers, timeout: Self.requestTimeout,
                    maxBodySize: Self.maxTokenBodySize, allowsPlainHTTP: plain,
                    certificateAuthorityPEM: certificateAuthorityPEM),
                asking: "token service \(hostPort)")
            guard (200..<300).contains(response.status) else {
                let with = login == nil ? "" : " (with the pull Secret's login)"
                throw AppDeploymentImageResolutionError("token service \(hostPort) answered \(response.statusLine)\(with)")
            }
            guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
                let token = (object["token"] as? String) ?? (object["access_token"] as? String), !token.isEmpty,
                !token.contains(where: \.isNewline)
            else {
                throw AppDeploymentImageResolutionError("token service \(hostPort) answered without a token")
            }
            return "Bearer \(token)"
        default:
            throw AppDeploymentImageResolutionError(
                "registry \(registry) asks for authentication scheme \(challenge.scheme), which is not supported")
        }
    }

    /// Performs `request`; a transport failure becomes an ``AppDeploymentImageResolutionError``
    /// naming `what` was asked (libcurl's message names hosts and reasons, never headers).
    private func send(_ request: OneShotHTTPRequest, asking what: String) async throws -> OneShotHTTPRequest.Response {
        do {
            return try await request.perform()
        } catch let error as TransportError {
            throw AppDeploymentImageResolutionError("asking \(what): \(error)")
        }
    }
}
