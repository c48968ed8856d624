import KubeCore
import SourceBuild

private typealias N = QuartermasterSchemaNodes

extension AppDeploymentSpec {
    /// A commit: 40 lower-case hex digits.
    static let commitPattern = #"^[0-9a-f]{40}$"#
    /// A branch or tag name: no whitespace, none of `~^:?*[\`, not starting with `-` (never an
    /// option to git).
    static let gitRefPattern = #"^[^-\s~^:?*\[\\][^\s~^:?*\[\\]*$"#
    /// A relative path in the repository, possibly empty: not starting with `/`, no whitespace
    /// (`..` is refused by ``AppDeploymentValidation``).
    static let relativePathPattern = #"^([^/\s][^\s]*)?$"#
    /// A runtime version override: what may stand in an image tag (`20`, `3.12`, `1.22.3`).
    static let versionPattern = #"^[A-Za-z0-9][A-Za-z0-9._-]*$"#
    /// A repository URL: no whitespace, not starting with `-` (the scheme is
    /// ``AppDeploymentValidation``'s).
    static let gitURLPattern = #"^[^-\s][^\s]*$"#
    /// An image repository without digest (a tag is refused by ``AppDeploymentValidation``).
    static let repositoryPattern = #"^[^\s@]+$"#

    /// `spec.source`'s schema.
    static var sourceSchema: JSONSchemaProperty {
        .object(
            "A git repository analysed and built into the image the Deployment runs. Exactly one of image and source.",
            required: ["git"],
            [
                "git": .object(
                    "The repository and at most one of branch, tag and commit; none: the remote's default branch (HEAD).",
                    required: ["url"],
                    [
                        "url": .string(
                            "https://..., ssh://... or scp-like user@host:path; no password in the URL (use secretName).",
                            pattern: gitURLPattern, minLength: 1, maxLength: Git.maxURLLength),
                        "branch": .string(
                            "A branch to build (and follow).", pattern: gitRefPattern, minLength: 1,
                            maxLength: Git.maxRefLength),
                        "tag": .string("A tag to build.", pattern: gitRefPattern, minLength: 1, maxLength: Git.maxRefLength),
                        "commit": .string(
                            "A commit to build: 40 lower-case hex digits.", pattern: commitPattern, minLength: 40, maxLength: 40),
                        "subPath": .string(
                            "The directory analysed and built, relative to the repository's root, without '..'.",
                            default: "", pattern: relativePathPattern, maxLength: Git.maxSubPathLength),
                        "secretName": N.objectName(
                            "A Secret in this namespace with ssh-privatekey (and optionally known_hosts) or username and password."),
                    ]),
                "follow": .object(
                    "Poll the branch (or the remote's HEAD) for new commits, each built and deployed as a new revision. Only with a branch or no ref.",
                    [
                        "intervalSeconds": .integer(
                            "Seconds between polls.", default: Int64(Follow.defaultIntervalSeconds),
                            minimum: Int64(Follow.intervalBounds.lowerBound), maximum: Int64(Follow.intervalBounds.upperBound))
                    ]),
            ])
    }

    /// `spec.build`'s schema.
    static var buildSchema: JSONSchemaProperty {
        var resources = IPFSClusterSpec.ResourceRequirements.schema.described(
            "The builder container's resources; omitted: requests cpu 500m, memory 1Gi, limits cpu 2, memory 4Gi.")
        resources.defaultValue = [
            "requests": ["cpu": "500m", "memory": "1Gi"],
            "limits": ["cpu": "2", "memory": "4Gi"],
        ]
        let command: (String) -> JSONSchemaProperty = { what in
            .string("Replaces the detected \(what) command.", minLength: 1, maxLength: Build.maxOverrideCommandLength)
        }
        return .object(
            "How the source is built; only with source. Omitted: every default below.",
            [
                "strategy": .string(
                    "Auto (the repository's Dockerfile when there is one, else a generated one), Dockerfile or Generated.",
                    default: BuildStrategy.auto.rawValue, enum: BuildStrategy.allCases.map(\.rawValue)),
                "dockerfilePath": .string(
                    "The repository's Dockerfile, relative to source.git.subPath.", default: Build.defaultDockerfilePath,
                    pattern: relativePathPattern, minLength: 1, maxLength: Build.maxDockerfilePathLength),
                "builder": .string(
                    "Kaniko, or BuildKit (rootless; needs the tenant's build namespace at Pod Security privileged).",
                    default: Build.Builder.kaniko.rawValue, enum: Build.Builder.allCases.map(\.rawValue)),
                "builderImage": .string(
                    "Replaces the builder's image; omitted: the operator's.", pattern: imagePattern, minLength: 1,
                    maxLength: N.imageLength),
                "output": .object(
                    "Where the image is pushed, as <repository>:<commit>.", default: [:],
                    [
                        "repository": .string(
                            "An image repository without tag or digest; its registry must be allowed by the tenant. Omitted: the tenant's builds.repositoryPrefix/<name>.",
                            pattern: repositoryPattern, minLength: 1, maxLength: N.imageLength),
                        "pushSecretName": N.objectName("A kubernetes.io/dockerconfigjson Secret in this namespace to push with."),
                    ]),
                "timeoutSeconds": .integer(
                    "Seconds the build may run.", default: Int64(Build.defaultTimeoutSeconds),
                    minimum: Int64(Build.timeoutBounds.lowerBound), maximum: Int64(Build.timeoutBounds.upperBound)),
                "port": .integer(
                    "The container port of the built image; omitted: the detected one, else spec.port.", minimum: 1,
                    maximum: 65535),
                "overrides": .object(
                    "Replace what the analysis detected when the Dockerfile is generated.",
                    [
                        "installCommand": command("install"),
                        "buildCommand": command("build"),
                        "startCommand": command("start"),
                        "version": .string(
                            "Replaces the detected runtime version (node 20, python 3.12, go 1.22).", pattern: versionPattern,
                            maxLength: Build.maxOverrideVersionLength),
                    ]),
                "resources": resources,
            ])
    }
}
