import KubeCore

extension AppDeploymentSpec.Build.Builder {
    /// The builder's image when neither `spec.build.builderImage` nor the operator's flag sets
    /// one: ``ControllerSettings/defaultKanikoImage`` or ``ControllerSettings/defaultBuildkitImage``.
    public var defaultImage: String {
        switch self {
        case .kaniko: ControllerSettings.defaultKanikoImage
        case .buildKit: ControllerSettings.defaultBuildkitImage
        }
    }
}

extension AppDeploymentBuildInput {
    /// The operator's side of the build objects: its own image and the images and switches
    /// `quartermaster run` sets (``ControllerSettings``).
    public struct OperatorImages: Sendable, Hashable {
        /// Runs `install` (``ControllerSettings/postgresOperatorImage``: the operator's image).
        public var operatorImage: String
        public var gitImage: String
        public var kanikoImage: String
        public var buildkitImage: String
        /// ``ControllerSettings/allowFileSources``.
        public var allowFileSources: Bool

        public init(
            operatorImage: String, gitImage: String = ControllerSettings.defaultGitImage,
            kanikoImage: String = ControllerSettings.defaultKanikoImage,
            buildkitImage: String = ControllerSettings.defaultBuildkitImage, allowFileSources: Bool = false
        ) {
            self.operatorImage = operatorImage
            self.gitImage = gitImage
            self.kanikoImage = kanikoImage
            self.buildkitImage = buildkitImage
            self.allowFileSources = allowFileSources
        }

        /// The images of `settings`.
        public init(_ settings: ControllerSettings) {
            self.init(
                operatorImage: settings.postgresOperatorImage, gitImage: settings.gitImage,
                kanikoImage: settings.kanikoImage, buildkitImage: settings.buildkitImage,
                allowFileSources: settings.allowFileSources)
        }

        /// The operator's image for `builder`.
        public func image(for builder: Builder) -> String {
            switch builder {
            case .kaniko: kanikoImage
            case .buildKit: buildkitImage
            }
        }
    }

    /// The spec's reference: `commit`, else `tag`, else `branch`, else ``Reference/head``
    /// (validation allows at most one).
    public static func reference(_ git: AppDeploymentSpec.Git) -> Reference {
        if let commit = git.commit, !commit.isEmpty { return .commit(commit) }
        if let tag = git.tag, !tag.isEmpty { return .tag(tag) }
        if let branch = git.branch, !branch.isEmpty { return .branch(branch) }
        return .head
    }

    /// The input of Deployment `app` in `namespace` from its (validated) spec; `nil` without
    /// `spec.source`. `outputRepository`: `spec.build.output.repository`, else the Tenant's
    /// `builds.repositoryPrefix` + `/` + `app` (the caller decides; this type reads no Tenant).
    /// The builder image is `spec.build.builderImage` when set and not empty, else the
    /// operator's for the builder.
    ///
    /// - Throws: ``AppDeploymentSpec/ResourceRequirements/UnparsableQuantity`` when
    ///   `spec.build.resources` has a quantity that does not parse (its field under `limits`/`requests`).
    public static func from(
        app: String, namespace: String, spec: AppDeploymentSpec, buildNamespace: String, outputRepository: String,
        images: OperatorImages
    ) throws(AppDeploymentSpec.ResourceRequirements.UnparsableQuantity) -> AppDeploymentBuildInput? {
        guard let source = spec.source else { return nil }
        let build = spec.effectiveBuild
        let builderImage = build.builderImage.flatMap { $0.isEmpty ? nil : $0 } ?? images.image(for: build.builder)
        return AppDeploymentBuildInput(
            app: app, namespace: namespace, buildNamespace: buildNamespace, repositoryURL: source.git.url,
            reference: reference(source.git), subPath: source.git.subPath, gitSecretName: source.git.secretName,
            pushSecretName: build.output.pushSecretName, outputRepository: outputRepository, builder: build.builder,
            builderImage: builderImage, timeoutSeconds: build.timeoutSeconds, resources: try build.resources.parsed(),
            operatorImage: images.operatorImage, gitImage: images.gitImage, allowFileURLs: images.allowFileSources)
    }
}
