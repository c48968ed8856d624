/// Names of every object the operator creates for one Deployment `<name>` (all in its
/// namespace). The single place these names are decided:
///
/// | object | name |
/// | --- | --- |
/// | apps/v1 Deployment, Service, Ingress, HorizontalPodAutoscaler, NetworkPolicy, PodDisruptionBudget | `<name>` |
/// | PersistentVolumeClaim (`spec.volume`) | `<name>-data` |
/// | database `Resource` (`spec.database`) | `<name>-db` |
/// | TLS Secret cert-manager writes (`expose.tls.issuer`) | `<name>-tls` |
public struct AppDeploymentNames: Sendable, Hashable {
    /// The Deployment's (`quartermaster.dev`) name.
    public var instance: String

    public init(instance: String) { self.instance = instance }

    public var deployment: String { instance }
    public var service: String { instance }
    public var ingress: String { instance }
    public var horizontalPodAutoscaler: String { instance }
    public var networkPolicy: String { instance }
    public var podDisruptionBudget: String { instance }
    public var dataClaim: String { "\(instance)-data" }
    public var database: String { "\(instance)-db" }
    public var issuedTLSSecret: String { "\(instance)-tls" }

    /// The app's container.
    public static let container = "app"
    /// The container port's name (Service target, probes).
    public static let portName = "http"
    /// The pod volume of the claim.
    public static let dataVolume = "data"
    /// The pod volume of the database CA.
    public static let databaseCAVolume = "database-ca"
}
