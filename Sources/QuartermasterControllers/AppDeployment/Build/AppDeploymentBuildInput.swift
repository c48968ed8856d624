import KubeCore

/// What the build objects of one source Deployment are rendered from: the app, its source and
/// build settings (validated before: URL scheme, one reference, relative sub-path), the build
/// namespace and the operator's images. Independent of the spec types, so the renderers stay
/// pure functions of plain values (``AppDeploymentBuildObjects``).
public struct AppDeploymentBuildInput: Sendable, Hashable {
    /// The git reference the spec names.
    public enum Reference: Sendable, Hashable {
        /// Neither branch, tag nor commit: the remote's default branch.
        case head
        case branch(String)
        case tag(String)
        /// 40 lower-case hex digits.
        case commit(String)

        /// `branch main`, `tag v1.2.0`, `commit <40 hex>` or `HEAD`: what `status.source.ref`
        /// shows.
        public var statusText: String {
            switch self {
            case .head: "HEAD"
            case .branch(let b): "branch \(b)"
            case .tag(let t): "tag \(t)"
            case .commit(let c): "commit \(c)"
            }
        }

        /// The `analyze` flags selecting this reference (none for ``head``).
        public var arguments: [String] {
            switch self {
            case .head: []
            case .branch(let b): ["--branch", b]
            case .tag(let t): ["--tag", t]
            case .commit(let c): ["--commit", c]
            }
        }

        /// `true` when new commits can appear under it (a branch or HEAD): what a follow polls.
        public var isMoving: Bool {
            switch self {
            case .head, .branch: true
            case .tag, .commit: false
            }
        }
    }

    /// The image builder of the build Job: `spec.build.builder`'s type.
    public typealias Builder = AppDeploymentSpec.Build.Builder

    /// Which Dockerfile the build Job builds.
    public enum Dockerfile: Sendable, Hashable {
        /// Rendered by the operator (`DockerfileRenderer`): stored in a ConfigMap the build
        /// mounts.
        case generated(String)
        /// The repository's own, at this path relative to the sub-path (`Dockerfile`).
        case repository(path: String)
    }

    /// The Deployment's (`quartermaster.dev`) name.
    public var app: String
    /// The Deployment's namespace (where the source Secrets are).
    public var namespace: String
    /// The tenant's build namespace, where every build object is created.
    public var buildNamespace: String
    /// `spec.source.git.url`.
    public var repositoryURL: String
    public var reference: Reference
    /// Relative to the repository's root; `""` (default): the root.
    public var subPath: String
    /// `spec.source.git.secretName`: copied as `<app>-git` and mounted at
    /// ``AppDeploymentBuildObjects/gitCredentialsDirectory``. `nil`: no credentials.
    public var gitSecretName: String?
    /// `spec.build.output.pushSecretName` (a dockerconfigjson Secret): copied as `<app>-push`
    /// and mounted as the builder's registry configuration. `nil`: anonymous push.
    public var pushSecretName: String?
    /// The image repository pushed to (`registry.example.com/acme/web`); the tag is the commit.
    public var outputRepository: String
    /// Default ``Builder/kaniko``.
    public var builder: Builder
    /// Overrides ``Builder/defaultImage`` when set and not empty.
    public var builderImage: String?
    /// The build Job's `activeDeadlineSeconds`. Default ``defaultTimeoutSeconds``.
    public var timeoutSeconds: Int
    /// The builder container's requests and limits. Default ``defaultResources``.
    public var resources: ResourceRequirements
    /// The operator's image: its `/quartermaster` is copied to `/tools` by the `install` init
    /// container.
    public var operatorImage: String
    /// The image with git the source steps run in. Default ``defaultGitImage``.
    public var gitImage: String
    /// Adds `--allow-file-url` to every `analyze` (the operator's `--allow-file-sources`, tests).
    public var allowFileURLs: Bool

    /// ``ControllerSettings/defaultGitImage``.
    public static let defaultGitImage = ControllerSettings.defaultGitImage
    /// ``AppDeploymentSpec/Build/defaultTimeoutSeconds`` (1800).
    public static let defaultTimeoutSeconds = AppDeploymentSpec.Build.defaultTimeoutSeconds
    /// ``AppDeploymentSpec/Build/defaultResources``: requests cpu 500m, memory 1Gi; limits cpu
    /// 2, memory 4Gi.
    public static var defaultResources: ResourceRequirements {
        (try? AppDeploymentSpec.Build.defaultResources.parsed()) ?? ResourceRequirements()
    }

    public init(
        app: String, namespace: String, buildNamespace: String, repositoryURL: String, reference: Reference = .head,
        subPath: String = "", gitSecretName: String? = nil, pushSecretName: String? = nil, outputRepository: String,
        builder: Builder = .kaniko, builderImage: String? = nil, timeoutSeconds: Int = defaultTimeoutSeconds,
        resources: ResourceRequirements = defaultResources, operatorImage: String, gitImage: String = defaultGitImage,
        allowFileURLs: Bool = false
    ) {
        self.app = app
        self.namespace = namespace
        self.buildNamespace = buildNamespace
        self.repositoryURL = repositoryURL
        self.reference = reference
        self.subPath = subPath
        self.gitSecretName = gitSecretName
        self.pushSecretName = pushSecretName
        self.outputRepository = outputRepository
        self.builder = builder
        self.builderImage = builderImage
        self.timeoutSeconds = timeoutSeconds
        self.resources = resources
        self.operatorImage = operatorImage
        self.gitImage = gitImage
        self.allowFileURLs = allowFileURLs
    }

    /// The builder image used: ``builderImage`` unless unset or empty, else the builder's default.
    public var effectiveBuilderImage: String {
        if let builderImage, !builderImage.isEmpty { return builderImage }
        return builder.defaultImage
    }

    /// The sub-path without leading, trailing or doubled `/` (`""` for the root).
    public var normalizedSubPath: String {
        subPath.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.joined(separator: "/")
    }

    /// `<outputRepository>:<commit>`: what the build Job pushes.
    public func image(commit: String) -> String { "\(outputRepository):\(commit)" }

    /// `<outputRepository>@<digest>`: what the pods run once the build reported `digest`.
    public func pinnedImage(digest: String) -> String { "\(outputRepository)@\(digest)" }

    /// The names of this app's build objects.
    public var names: AppDeploymentBuildNames { AppDeploymentBuildNames(app: app) }
}
