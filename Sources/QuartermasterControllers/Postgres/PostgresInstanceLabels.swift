import KubeCore

/// The labels of a PostgresInstance's objects (the contract's, plus `component`):
///
/// - everything: `app.kubernetes.io/name: postgresql`, `app.kubernetes.io/instance: <name>`,
///   `app.kubernetes.io/managed-by: quartermaster`, `quartermaster.dev/postgres-instance: <name>`,
///   and `app.kubernetes.io/component` (`instance` on the instances' pods and claims, `pooler`
///   on the pooler's, what the object is otherwise), so Services select the instances only;
/// - instance pods also `quartermaster.dev/instance-name: <name>-<n>` and
///   `quartermaster.dev/role: primary|replica`, kept current by the operator.
public enum PostgresInstanceLabels {
    public static let instanceKey = "quartermaster.dev/postgres-instance"
    public static let instanceNameKey = "quartermaster.dev/instance-name"
    public static let roleKey = "quartermaster.dev/role"
    /// The annotation of a data claim holding its serial.
    public static let serialAnnotation = "quartermaster.dev/serial"

    public static let instanceComponent = "instance"
    public static let poolerComponent = "pooler"

    /// The labels common to every object of `instance`, with `component`.
    public static func labels(instance: String, component: String) -> [String: String] {
        [
            QuartermasterLabels.nameKey: PostgresInstanceNames.appName,
            QuartermasterLabels.instanceKey: instance,
            QuartermasterLabels.managedByKey: QuartermasterLabels.managedByValue,
            QuartermasterLabels.componentKey: component,
            instanceKey: instance,
        ]
    }

    /// The selector of the instances' pods (all roles).
    public static func instancesSelector(instance: String) -> [String: String] {
        [
            QuartermasterLabels.nameKey: PostgresInstanceNames.appName,
            QuartermasterLabels.instanceKey: instance,
            QuartermasterLabels.componentKey: instanceComponent,
        ]
    }

    /// The selector of the instance pods of one role.
    public static func roleSelector(instance: String, role: PostgresPodRole) -> [String: String] {
        instancesSelector(instance: instance).merging([roleKey: role.rawValue]) { a, _ in a }
    }

    /// The selector of the pooler's pods.
    public static func poolerSelector(instance: String) -> [String: String] {
        [
            QuartermasterLabels.nameKey: PostgresInstanceNames.appName,
            QuartermasterLabels.instanceKey: instance,
            QuartermasterLabels.componentKey: poolerComponent,
        ]
    }

    /// Every object the operator makes for `instance`, as a selector (for the caches).
    public static func ownedSelector(instance: String) -> [String: String] {
        [instanceKey: instance, QuartermasterLabels.managedByKey: QuartermasterLabels.managedByValue]
    }
}
