/// The build's version, printed by `quartermaster version` and used in the user agent.
public enum QuartermasterVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
