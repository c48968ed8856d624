import KubeCore
import SourceBuild

extension AppDeploymentSpec {
    /// `spec.source`: the git repository a source deploy analyses and builds
    /// (docs/source-builds.md). Rules the schema cannot say (one ref at most,
    /// URL scheme, no password in the URL, `follow` only with a branch or no ref, a relative
    /// `subPath`) are ``AppDeploymentValidation``'s.
    public struct Source: Codable, Sendable, Equatable {
        /// Where the code is. Required (an omitted one decodes with an empty URL, refused by
        /// validation).
        public var git: Git
        /// Poll the ref for new commits; `nil` (the default): build the resolved commit once
        /// (per spec generation).
        public var follow: Follow?

        public init(git: Git, follow: Follow? = nil) {
            self.git = git
            self.follow = follow
        }
        enum CodingKeys: String, CodingKey { case git, follow }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            git = try c.decodeIfPresent(Git.self, forKey: .git) ?? Git(url: "")
            follow = try c.decodeIfPresent(Follow.self, forKey: .follow)
        }
    }

    /// `spec.source.git`: a repository URL and at most one of ``branch``, ``tag`` and
    /// ``commit``; none of them: the remote's default branch (`HEAD`).
    public struct Git: Codable, Sendable, Equatable {
        /// `https://…`, `ssh://…` or scp-like `user@host:path`; `file://` only when the operator
        /// runs with `--allow-file-sources` (tests). No password in the URL's user information.
        /// At most ``maxURLLength`` (512). Required.
        public var url: String
        /// A branch; `nil` (the default) unless set.
        public var branch: String?
        /// A tag; `nil` (the default) unless set.
        public var tag: String?
        /// A commit: 40 lower-case hex digits; `nil` (the default) unless set.
        public var commit: String?
        /// The directory in the repository that is analysed and built: relative, no `..`.
        /// Default `""` (the repository's root).
        public var subPath: String
        /// A Secret in the namespace with `ssh-privatekey` (and optionally `known_hosts`) or
        /// `username` and `password`; `nil` (the default): anonymous.
        public var secretName: String?

        /// Longest ``url``: 512.
        public static let maxURLLength = 512
        /// Longest ``branch`` or ``tag``: 255.
        public static let maxRefLength = 255
        /// Longest ``subPath``: 1024.
        public static let maxSubPathLength = 1024

        public init(
            url: String, branch: String? = nil, tag: String? = nil, commit: String? = nil, subPath: String = "",
            secretName: String? = nil
        ) {
            self.url = url
            self.branch = branch
            self.tag = tag
            self.commit = commit
            self.subPath = subPath
            self.secretName = secretName
        }
        enum CodingKeys: String, CodingKey { case url, branch, tag, commit, subPath, secretName }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            url = try c.decodeIfPresent(String.self, forKey: .url) ?? ""
            branch = try c.decodeIfPresent(String.self, forKey: .branch)
            tag = try c.decodeIfPresent(String.self, forKey: .tag)
            commit = try c.decodeIfPresent(String.self, forKey: .commit)
            subPath = try c.decodeIfPresent(String.self, forKey: .subPath) ?? ""
            secretName = try c.decodeIfPresent(String.self, forKey: .secretName)
        }
    }

    /// `spec.source.follow`: poll the branch (or the remote's `HEAD`) for new commits, each a new
    /// revision. Only with a branch or no ref.
    public struct Follow: Codable, Sendable, Equatable {
        /// Seconds between polls: ``intervalBounds``, default ``defaultIntervalSeconds`` (300).
        public var intervalSeconds: Int

        /// Default ``intervalSeconds``: 300.
        public static let defaultIntervalSeconds = 300
        /// Bounds of ``intervalSeconds``: 60...86400.
        public static let intervalBounds = 60...86400

        public init(intervalSeconds: Int = defaultIntervalSeconds) { self.intervalSeconds = intervalSeconds }
        enum CodingKeys: String, CodingKey { case intervalSeconds }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            intervalSeconds = try c.decodeIfPresent(Int.self, forKey: .intervalSeconds) ?? Self.defaultIntervalSeconds
        }
    }

    /// `spec.build`: how a ``Source`` becomes an image. Only with `spec.source`; omitted there,
    /// every default below applies (``AppDeploymentSpec/effectiveBuild``).
    public struct Build: Codable, Sendable, Equatable {
        /// The image builder the build Job runs.
        public enum Builder: String, Codable, Sendable, CaseIterable {
            /// kaniko's executor (runs as root; Pod Security baseline). The default.
            case kaniko = "Kaniko"
            /// BuildKit rootless, daemonless (needs a build namespace with Pod Security privileged).
            case buildKit = "BuildKit"
        }

        /// Where the Dockerfile comes from. Default ``BuildStrategy/auto``.
        public var strategy: BuildStrategy
        /// The repository's Dockerfile, relative to `spec.source.git.subPath`. Default
        /// ``defaultDockerfilePath`` (`Dockerfile`).
        public var dockerfilePath: String
        /// Default ``Builder/kaniko``.
        public var builder: Builder
        /// Replaces the builder's image (the operator's `--kaniko-image` / `--buildkit-image`);
        /// `nil` (the default): the operator's.
        public var builderImage: String?
        /// Where the image is pushed. Default: no repository and no push Secret (the Tenant's
        /// `builds.repositoryPrefix` + `/` + name).
        public var output: Output
        /// Seconds the build Job may run (its `activeDeadlineSeconds`): ``timeoutBounds``,
        /// default ``defaultTimeoutSeconds`` (1800).
        public var timeoutSeconds: Int
        /// The container port of the built image; `nil` (the default): the analysis's, else
        /// `spec.port`.
        public var port: Int?
        /// Replace what the analysis detected; `nil` (the default): nothing replaced.
        public var overrides: BuildOverrides?
        /// The builder container's resources. Default ``defaultResources``.
        public var resources: ResourceRequirements
        /// Unknown enum values met while decoding (never encoded).
        public var unknownValues: [String] = []

        /// Default ``dockerfilePath``: `Dockerfile`.
        public static let defaultDockerfilePath = "Dockerfile"
        /// Default ``timeoutSeconds``: 1800.
        public static let defaultTimeoutSeconds = 1800
        /// Bounds of ``timeoutSeconds``: 60...7200.
        public static let timeoutBounds = 60...7200
        /// Longest ``dockerfilePath``: 1024.
        public static let maxDockerfilePathLength = 1024
        /// Longest override command: 4096; longest override version: 64.
        public static let maxOverrideCommandLength = 4096
        public static let maxOverrideVersionLength = 64
        /// Builder resources when omitted: requests cpu `500m`, memory `1Gi`; limits cpu `2`,
        /// memory `4Gi`.
        public static let defaultResources = ResourceRequirements(
            requests: ["cpu": "500m", "memory": "1Gi"], limits: ["cpu": "2", "memory": "4Gi"])

        public init(
            strategy: BuildStrategy = .auto, dockerfilePath: String = defaultDockerfilePath, builder: Builder = .kaniko,
            builderImage: String? = nil, output: Output = Output(), timeoutSeconds: Int = defaultTimeoutSeconds,
            port: Int? = nil, overrides: BuildOverrides? = nil, resources: ResourceRequirements = defaultResources
        ) {
            self.strategy = strategy
            self.dockerfilePath = dockerfilePath
            self.builder = builder
            self.builderImage = builderImage
            self.output = output
            self.timeoutSeconds = timeoutSeconds
            self.port = port
            self.overrides = overrides
            self.resources = resources
        }
        enum CodingKeys: String, CodingKey {
            case strategy, dockerfilePath, builder, builderImage, output, timeoutSeconds, port, overrides, resources
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            strategy = try c.decodeOpenEnum(BuildStrategy.self, forKey: .strategy, default: .auto, unknown: &unknownValues)
            dockerfilePath = try c.decodeIfPresent(String.self, forKey: .dockerfilePath) ?? Self.defaultDockerfilePath
            builder = try c.decodeOpenEnum(Builder.self, forKey: .builder, default: .kaniko, unknown: &unknownValues)
            builderImage = try c.decodeIfPresent(String.self, forKey: .builderImage)
            output = try c.decodeIfPresent(Output.self, forKey: .output) ?? Output()
            timeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .timeoutSeconds) ?? Self.defaultTimeoutSeconds
            port = try c.decodeIfPresent(Int.self, forKey: .port)
            overrides = try c.decodeIfPresent(BuildOverrides.self, forKey: .overrides)
            resources = try c.decodeIfPresent(ResourceRequirements.self, forKey: .resources) ?? Self.defaultResources
        }
    }

    /// `spec.build.output`: the image repository pushed to (`<repository>:<commit>`) and the
    /// credentials to push with.
    public struct Output: Codable, Sendable, Equatable {
        /// An image repository without tag or digest (`registry.example.com/acme/web`); its
        /// registry must be allowed by the Tenant's `registries`. `nil` (the default): the
        /// Tenant's `builds.repositoryPrefix` + `/` + the Deployment's name.
        public var repository: String?
        /// A `kubernetes.io/dockerconfigjson` Secret in the namespace; `nil` (the default): push
        /// without credentials.
        public var pushSecretName: String?

        public init(repository: String? = nil, pushSecretName: String? = nil) {
            self.repository = repository
            self.pushSecretName = pushSecretName
        }
    }
}
