/// Names of every object the operator creates for one PostgresInstance `<name>` (all in its
/// namespace). The single place these names are decided (docs: the PostgresInstance contract):
///
/// | object | name |
/// | --- | --- |
/// | Pod and data PVC of instance `n` | `<name>-<n>` (serials from 1, never reused) |
/// | WAL PVC of instance `n` | `<name>-<n>-wal` |
/// | Services read-write / read-only / any / headless | `<name>-rw`, `<name>-ro`, `<name>-r`, `<name>-headless` |
/// | Secrets | `<name>-app`, `<name>-ca`, `<name>-server`, `<name>-replication`, `<name>-pooler` |
/// | ServiceAccount | `<name>` |
/// | Role and RoleBinding | `<name>-instance` |
/// | NetworkPolicy of the instances / of the pooler | `<name>` / `<name>-pooler` |
/// | pooler Deployment and Service | `<name>-pooler` |
/// | PodDisruptionBudget of the primary | `<name>-primary` |
public struct PostgresInstanceNames: Sendable, Hashable {
    /// The PostgresInstance's name.
    public var instance: String

    public init(instance: String) { self.instance = instance }

    /// Value of `app.kubernetes.io/name` on everything.
    public static let appName = "postgresql"
    /// The role that replicates, authenticated by its client certificate's CN.
    public static let replicationUser = "streaming_replica"
    /// The role PgBouncer's `auth_query` runs as.
    public static let poolerUser = "quartermaster_pooler"

    public func pod(serial: Int) -> String { "\(instance)-\(serial)" }
    public func dataClaim(serial: Int) -> String { "\(instance)-\(serial)" }
    public func walClaim(serial: Int) -> String { "\(instance)-\(serial)-wal" }

    /// The serial of an instance pod or data claim named `<name>-<n>`, `nil` for any other
    /// name (a WAL claim included).
    public func serial(of objectName: String) -> Int? {
        let prefix = "\(instance)-"
        guard objectName.hasPrefix(prefix) else { return nil }
        let rest = objectName.dropFirst(prefix.count)
        guard !rest.isEmpty, rest.count <= 4, rest.allSatisfy(\.isASCII), rest.first != "0",
            let n = Int(rest), n > 0
        else { return nil }
        return n
    }

    public var readWriteService: String { "\(instance)-rw" }
    public var readOnlyService: String { "\(instance)-ro" }
    public var readService: String { "\(instance)-r" }
    public var headlessService: String { "\(instance)-headless" }
    public var poolerService: String { "\(instance)-pooler" }
    public var poolerDeployment: String { "\(instance)-pooler" }

    public var appSecret: String { "\(instance)-app" }
    public var caSecret: String { "\(instance)-ca" }
    public var serverSecret: String { "\(instance)-server" }
    public var replicationSecret: String { "\(instance)-replication" }
    public var poolerSecret: String { "\(instance)-pooler" }

    public var serviceAccount: String { instance }
    public var role: String { "\(instance)-instance" }
    public var roleBinding: String { "\(instance)-instance" }
    /// The primary lease (coordination.k8s.io Lease) the primary's instance manager holds.
    public var primaryLease: String { "\(instance)-primary" }
    public var networkPolicy: String { instance }
    public var poolerNetworkPolicy: String { "\(instance)-pooler" }
    public var podDisruptionBudget: String { "\(instance)-primary" }

    /// `<service>.<namespace>.svc`, how clients name a Service (the Secrets' `host`).
    public func serviceHost(_ service: String, namespace: String) -> String { "\(service).\(namespace).svc" }
}
