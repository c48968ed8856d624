import Foundation

/// How the process kubelet runs a container image on this machine: which local programs stand
/// for the image's programs, how container paths map to local ones, and how the process learns
/// the loopback ports its container ports were mapped to.
///
/// The container's `command` and `args` are taken from the rendered pod spec as they are; the
/// mapping only rewrites paths and ports, it never adds flags.
///
/// Paths: a process cannot mount, so every container path the process sees (in `command`,
/// `args`, `env` values and `workingDir`) is rewritten by prefix: first the pod's volume mounts
/// (`mountPath` → the volume's directory on disk), then `paths` (declared here, such as
/// `/var/lib/postgresql` → a temporary directory), longest prefix first. A string is rewritten
/// when it starts with a mapped prefix at a path boundary, or when the part after the first
/// `=` does (`--data=/var/lib/x`). Files inside ConfigMaps and Secrets are written unchanged.
public struct ProcessKubeletImage: Sendable {
    /// An image name (`postgres:15`) or a prefix ending in `*` (`ghcr.io/example/postgres*`)
    /// that this mapping handles.
    public var image: String
    /// Container program path → local program path (`/usr/local/bin/docker-entrypoint.sh` →
    /// a local script). The first word of `command` is looked up here; a word not in the map is
    /// run as written (a path, or a name found on `PATH`). Default: empty.
    public var programs: [String: String]
    /// The image's entrypoint, used when the container sets no `command` (`args` follow it).
    /// Default `nil`: a container without `command` is reported as not startable.
    public var entrypoint: [String]?
    /// Container path prefix → local directory, applied after the volume mounts. Default: empty.
    public var paths: [String: String]
    /// Container port → environment variable that receives the mapped loopback port (for
    /// PostgreSQL `5432` → `PGPORT`). Default: empty.
    public var portEnvironment: [Int: String]
    /// When `true`, an argument that is exactly a container port number, or ends in `:PORT` or
    /// `=PORT`, has the number replaced by the mapped loopback port
    /// (`python3 -m http.server 8000`). Default `false`.
    public var rewritePortArguments: Bool
    /// The local user the image's processes run as (PostgreSQL refuses to run as root: its
    /// image's `postgres` user → this machine's `postgres`). When set and the tests run as root,
    /// the process is started through `setpriv --reuid --regid --init-groups` and the pod's
    /// directories it mounts (volumes, its own directory) are given to that user. The pod's
    /// numeric `runAsUser`/`fsGroup` are not used: they name the image's users, not this
    /// machine's. Default `nil`: the test's own user.
    public var user: String?
    /// Environment variables added before the container's own (`PATH`, `HOME`). Default: this
    /// process's `PATH` only.
    public var baseEnvironment: [String: String]

    /// - Parameters: see the properties; all but `image` default to doing nothing extra.
    ///   `baseEnvironment` defaults to this process's `PATH`.
    public init(
        image: String, programs: [String: String] = [:], entrypoint: [String]? = nil, paths: [String: String] = [:],
        portEnvironment: [Int: String] = [:], rewritePortArguments: Bool = false, user: String? = nil,
        baseEnvironment: [String: String]? = nil
    ) {
        self.user = user
        self.image = image
        self.programs = programs
        self.entrypoint = entrypoint
        self.paths = paths
        self.portEnvironment = portEnvironment
        self.rewritePortArguments = rewritePortArguments
        self.baseEnvironment =
            baseEnvironment ?? ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"]
    }

    /// Whether this mapping handles `reference` (exact name, or prefix when `image` ends in `*`).
    public func matches(_ reference: String) -> Bool {
        if image.hasSuffix("*") { return reference.hasPrefix(String(image.dropLast())) }
        return reference == image
    }
}
