/// The images the source steps run (``AppDeploymentBuildInput``): the operator's (its binary is
/// copied into every source pod), the git image and the builders' default images
/// (``ControllerSettings``' `gitImage`, `kanikoImage`, `buildkitImage`).
public struct AppDeploymentSourceSettings: Sendable, Equatable {
    /// The operator's image. Default ``ControllerSettings/defaultPostgresOperatorImage`` (the
    /// operator's own image, whatever the name says).
    public var operatorImage: String
    /// The image with git the source steps run in. Default ``ControllerSettings/defaultGitImage``.
    public var gitImage: String
    /// The builder image of `builder: Kaniko` when `spec.build.builderImage` is unset.
    public var kanikoImage: String
    /// The builder image of `builder: BuildKit` when `spec.build.builderImage` is unset.
    public var buildkitImage: String

    public init(
        operatorImage: String = ControllerSettings.defaultPostgresOperatorImage,
        gitImage: String = ControllerSettings.defaultGitImage,
        kanikoImage: String = ControllerSettings.defaultKanikoImage,
        buildkitImage: String = ControllerSettings.defaultBuildkitImage
    ) {
        self.operatorImage = operatorImage
        self.gitImage = gitImage
        self.kanikoImage = kanikoImage
        self.buildkitImage = buildkitImage
    }
}
