import KubeCore

/// What `quartermaster deploy REPO_URL …` writes: a new `Deployment` (``AppDeployment``)
/// built from a repository, or the merge patch that points an existing one at the repository.
/// Pure; JSON names are the contract's (`spec.source`, `spec.build`).
///
/// - The new object: `spec.source.git` (url, at most one of branch/tag/commit, subPath,
///   secretName), `spec.source.follow.intervalSeconds` when following, `spec.build` with only
///   the fields given (the operator's defaults otherwise; no `build` at all when none is given),
///   `spec.expose.host` with a host.
/// - The patch: the same fields, and `null` for `spec.image` (exactly one of image and source)
///   and for every `spec.source.git` ref, `subPath` and `secretName` not given and for
///   `spec.source.follow` when not following, so the source is the one on the command line, not
///   a merge with the previous one. `spec.build` fields not given are left as they are.
public struct AppDeploymentDeployRequest: Sendable, Equatable {
    /// The revision to build.
    public enum Ref: Sendable, Equatable {
        case branch(String), tag(String), commit(String)
    }

    /// `spec.build.builder`.
    public typealias Builder = AppDeploymentSpec.Build.Builder

    public var url: String
    /// `nil`: the remote's default branch.
    public var ref: Ref?
    public var subPath: String?
    /// `spec.source.git.secretName`.
    public var gitSecret: String?
    /// `spec.source.follow.intervalSeconds`; `nil`: no polling.
    public var followInterval: Int?
    /// `spec.build.output.repository`.
    public var repository: String?
    /// `spec.build.output.pushSecretName`.
    public var pushSecret: String?
    /// `spec.build.port`.
    public var port: Int?
    public var builder: Builder?
    /// `spec.expose.host`.
    public var host: String?

    public init(
        url: String, ref: Ref? = nil, subPath: String? = nil, gitSecret: String? = nil, followInterval: Int? = nil,
        repository: String? = nil, pushSecret: String? = nil, port: Int? = nil, builder: Builder? = nil,
        host: String? = nil
    ) {
        self.url = url
        self.ref = ref
        self.subPath = subPath
        self.gitSecret = gitSecret
        self.followInterval = followInterval
        self.repository = repository
        self.pushSecret = pushSecret
        self.port = port
        self.builder = builder
        self.host = host
    }

    /// The new object, for a POST.
    public func object(name: String, namespace: String) -> JSONValue {
        var spec: [String: JSONValue] = ["source": source(nulls: false)]
        if let build = build() { spec["build"] = build }
        if let host { spec["expose"] = ["host": .string(host)] }
        return [
            "apiVersion": .string(AppDeployment.resource.apiVersion), "kind": .string(AppDeployment.resource.kind),
            "metadata": ["name": .string(name), "namespace": .string(namespace)], "spec": .object(spec),
        ]
    }

    /// The merge patch for an existing object.
    public func patch() -> JSONValue {
        var spec: [String: JSONValue] = ["image": .null, "source": source(nulls: true)]
        if let build = build() { spec["build"] = build }
        if let host { spec["expose"] = ["host": .string(host)] }
        return ["spec": .object(spec)]
    }

    func source(nulls: Bool) -> JSONValue {
        var git: [String: JSONValue] = ["url": .string(url)]
        func set(_ key: String, _ value: String?) {
            if let value { git[key] = .string(value) } else if nulls { git[key] = .null }
        }
        switch ref {
        case .branch(let b)?: set("branch", b)
        default: set("branch", nil)
        }
        switch ref {
        case .tag(let t)?: set("tag", t)
        default: set("tag", nil)
        }
        switch ref {
        case .commit(let c)?: set("commit", c)
        default: set("commit", nil)
        }
        set("subPath", subPath)
        set("secretName", gitSecret)
        var source: [String: JSONValue] = ["git": .object(git)]
        if let followInterval {
            source["follow"] = ["intervalSeconds": .int(Int64(followInterval))]
        } else if nulls {
            source["follow"] = .null
        }
        return .object(source)
    }

    func build() -> JSONValue? {
        var build: [String: JSONValue] = [:]
        var output: [String: JSONValue] = [:]
        if let repository { output["repository"] = .string(repository) }
        if let pushSecret { output["pushSecretName"] = .string(pushSecret) }
        if !output.isEmpty { build["output"] = .object(output) }
        if let port { build["port"] = .int(Int64(port)) }
        if let builder { build["builder"] = .string(builder.rawValue) }
        return build.isEmpty ? nil : .object(build)
    }
}
