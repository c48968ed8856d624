/// Who an operator is, as the API server and the objects it writes see it: the names under
/// which its writes, labels, annotations, lease and requests appear.
///
/// The libraries (KubeCore, KubeClient, KubeRuntime) know no operator: the executable builds
/// one identity and passes it to the client (`KubeClient(configuration:identity:)`), the
/// manager (`ManagerOptions`) and the desired-state applier, so that the field manager of an
/// apply and of a create, the label on owned objects and the lease name never disagree.
///
/// `init(name:version:annotationDomain:)` derives every field from three facts; each field can
/// be overridden afterwards.
public struct OperatorIdentity: Sendable, Hashable {
    /// The operator's name, such as `my-operator`: a DNS label.
    public var name: String
    /// The build's version, such as `1.2.0`.
    public var version: String
    /// The field manager of server-side applies, creates and patches. Derived: `name`.
    public var fieldManager: String
    /// Value of the `app.kubernetes.io/managed-by` label on the objects the operator creates.
    /// Derived: `name`.
    public var managedBy: String
    /// Annotation holding the hash of the last applied desired state (see
    /// `DesiredStateApplier`). Derived: `<annotationDomain>/applied-hash`.
    public var appliedHashAnnotation: String
    /// Name of the leader election Lease. Derived: `<name>-leader`.
    public var leaderElectionID: String
    /// `User-Agent` of the operator's requests. Derived: `<name>/<version>`, so that the API
    /// server, which names the field manager of a write without one after the user agent up to
    /// its first `/`, records the same manager as `fieldManager`.
    public var userAgent: String

    /// An identity with every field derived from `name`, `version` and `annotationDomain`
    /// (a DNS subdomain the operator owns, such as `example.com`).
    public init(name: String, version: String, annotationDomain: String) {
        self.name = name
        self.version = version
        fieldManager = name
        managedBy = name
        appliedHashAnnotation = "\(annotationDomain)/applied-hash"
        leaderElectionID = "\(name)-leader"
        userAgent = "\(name)/\(version)"
    }

    /// The key of the `managed-by` label: `app.kubernetes.io/managed-by`.
    public static let managedByLabelKey = "app.kubernetes.io/managed-by"

    /// `app.kubernetes.io/managed-by: <managedBy>`, for an object's labels.
    public var managedByLabel: [String: String] { [Self.managedByLabelKey: managedBy] }

    /// `app.kubernetes.io/managed-by=<managedBy>`, a label selector for list and watch requests.
    public var managedBySelector: String { "\(Self.managedByLabelKey)=\(managedBy)" }
}
