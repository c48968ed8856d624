import KubeCore

/// The build's version, printed by `quartermaster version` and sent in the user agent.
public enum QuartermasterVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}

extension OperatorIdentity {
    /// Quartermaster as the API server sees it: field manager and `managed-by` label
    /// `quartermaster`, annotation `quartermaster.dev/applied-hash`, lease
    /// `quartermaster-leader`, user agent `quartermaster/<version>`.
    public static let quartermaster = OperatorIdentity(
        name: "quartermaster", version: QuartermasterVersion.current, annotationDomain: "quartermaster.dev")
}
