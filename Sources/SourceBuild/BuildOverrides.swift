/// What a user sets over the analysis (`spec.build.overrides`): each field given replaces the
/// detected value when the Dockerfile is generated; `nil` keeps the detected one.
public struct BuildOverrides: Codable, Sendable, Equatable {
    /// Replaces ``SourceAnalysis/installCommand``.
    public var installCommand: String?
    /// Replaces ``SourceAnalysis/buildCommand``.
    public var buildCommand: String?
    /// Replaces ``SourceAnalysis/startCommand``.
    public var startCommand: String?
    /// Replaces ``SourceAnalysis/version`` (the runtime version: node `20`, python `3.12`, go `1.22`).
    public var version: String?

    public init(
        installCommand: String? = nil, buildCommand: String? = nil, startCommand: String? = nil, version: String? = nil
    ) {
        self.installCommand = installCommand
        self.buildCommand = buildCommand
        self.startCommand = startCommand
        self.version = version
    }

    /// No field set.
    public var isEmpty: Bool { self == BuildOverrides() }
}
