/// The identities every envtest control plane knows. Token users authenticate with a bearer
/// token from the API server's `--token-auth-file`; `certAdmin` with a client certificate
/// signed by the control plane's client CA.
public enum EnvTestUser: String, Sendable, Hashable, CaseIterable {
    /// User `admin`, group `system:masters`: may do anything.
    case admin
    /// User `quartermaster-operator`, no groups: may do nothing until a test binds a
    /// (Cluster)Role to it, so tests can prove the operator's RBAC is sufficient.
    case `operator` = "quartermaster-operator"
    /// User `alice`, no groups: a tenant owner in tenancy tests.
    case alice
    /// User `bob`, no groups: a second tenant owner.
    case bob
    /// User `kube-controller-manager`, group `system:masters`: what the controller manager runs as.
    case controllerManager = "kube-controller-manager"
    /// Client certificate with CN `cert-admin`, O `system:masters`.
    case certAdmin = "cert-admin"

    /// The user name the API server sees.
    public var userName: String { rawValue }

    /// The groups given to the user.
    public var groups: [String] {
        switch self {
        case .admin, .controllerManager, .certAdmin: return ["system:masters"]
        case .operator, .alice, .bob: return []
        }
    }

    /// Whether the user authenticates with a bearer token (all but `certAdmin`).
    public var usesToken: Bool { self != .certAdmin }
}
