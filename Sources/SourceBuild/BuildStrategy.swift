/// How the image of a source build gets its Dockerfile (`spec.build.strategy`).
public enum BuildStrategy: String, Codable, Sendable, CaseIterable {
    /// The repository's Dockerfile when it has one, else a generated one. The default.
    case auto = "Auto"
    /// The repository's Dockerfile (`spec.build.dockerfilePath`); none there fails the build.
    case dockerfile = "Dockerfile"
    /// A Dockerfile generated from the analysis, even when the repository has one.
    case generated = "Generated"
}
