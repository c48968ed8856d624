import Foundation

/// A container image reference reduced to where it comes from: registry host and repository
/// path, tag and digest dropped (pure parsing, no I/O).
///
/// Normalisation, as container runtimes resolve names:
/// - the first path component is a registry host when it contains `.` or `:` or is
///   `localhost`; otherwise the image is on Docker Hub (`docker.io`);
/// - a Docker Hub repository without a `/` is under `library/` (`nginx` is
///   `docker.io/library/nginx`); `index.docker.io` and `registry-1.docker.io` are `docker.io`;
/// - the host is lower-cased; `@digest` and `:tag` (after the last `/`) are dropped.
///
/// `ipfs/kubo:v0.32` → host `docker.io`, path `ipfs/kubo`.
public struct ImageReference: Hashable, Sendable, CustomStringConvertible {
    /// Registry host, with its port if any (`docker.io`, `localhost:5000`).
    public var host: String
    /// Repository path below the host (`ipfs/kubo`); empty only for a bare registry entry.
    public var path: String

    public init(host: String, path: String) {
        self.host = host
        self.path = path
    }

    /// The hosts that are Docker Hub.
    static let dockerHubAliases: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io"]

    /// Parses an image as a container runtime would; `nil` for an empty reference or one with
    /// an empty path component.
    public init?(image: String) {
        var rest = Substring(image.trimmingCharacters(in: .whitespaces))
        if let at = rest.firstIndex(of: "@") { rest = rest[..<at] }
        if let slash = rest.lastIndex(of: "/") {
            if let colon = rest[slash...].lastIndex(of: ":") { rest = rest[..<colon] }
        } else if let colon = rest.lastIndex(of: ":") {
            rest = rest[..<colon]
        }
        var parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else { return nil }
        var host = "docker.io"
        if parts.count > 1, parts[0].contains(".") || parts[0].contains(":") || parts[0] == "localhost" {
            host = parts.removeFirst().lowercased()
        }
        if Self.dockerHubAliases.contains(host) {
            host = "docker.io"
            if parts.count == 1 { parts.insert("library", at: 0) }
        }
        self.init(host: host, path: parts.joined(separator: "/"))
    }

    /// Parses an allowed-registry entry, `host[/path]`: the first component is always the host
    /// (`docker.io/ipfs`, `registry.example.com`); `nil` when empty or with an empty component.
    public init?(registry: String) {
        let parts = registry.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
            .map(String.init)
        guard let first = parts.first, !parts.contains(where: \.isEmpty) else { return nil }
        var host = first.lowercased()
        if Self.dockerHubAliases.contains(host) { host = "docker.io" }
        self.init(host: host, path: parts.dropFirst().joined(separator: "/"))
    }

    /// `true` when this image comes from `registry`: same host, and the registry's path is
    /// empty, equal to this path, or a prefix of it ending at a `/` boundary
    /// (`docker.io/ipfs` allows `docker.io/ipfs/kubo`, not `docker.io/ipfsevil/kubo`).
    public func isFrom(_ registry: ImageReference) -> Bool {
        guard host == registry.host else { return false }
        return registry.path.isEmpty || path == registry.path || path.hasPrefix(registry.path + "/")
    }

    /// `host/path`.
    public var description: String { path.isEmpty ? host : "\(host)/\(path)" }
}
