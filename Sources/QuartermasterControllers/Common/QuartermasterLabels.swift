import KubeCore

/// The recommended `app.kubernetes.io/*` labels that every object created by a Quartermaster
/// controller carries.
///
/// - `managed-by: quartermaster` on everything we create: owned-object reflectors watch with
///   ``managedBySelector``.
/// - `part-of: quartermaster`.
/// - `name` (the application, such as `ipfs-cluster`) and `instance` (the custom resource's
///   name) identify the workload; together they form the pod selector (``selector(name:instance:)``),
///   which never changes for the life of the workload (a StatefulSet's selector is immutable).
/// - `component` says which part of the instance an object is (`peer`, `api`, ...).
public enum QuartermasterLabels {
    public static let nameKey = "app.kubernetes.io/name"
    public static let instanceKey = "app.kubernetes.io/instance"
    public static let componentKey = "app.kubernetes.io/component"
    public static let partOfKey = "app.kubernetes.io/part-of"
    public static let managedByKey = OperatorIdentity.managedByLabelKey

    /// Value of `app.kubernetes.io/managed-by`: `OperatorIdentity.quartermaster.managedBy`.
    public static let managedByValue = OperatorIdentity.quartermaster.managedBy
    /// Value of `app.kubernetes.io/part-of`: `quartermaster`.
    public static let partOfValue = "quartermaster"

    /// `app.kubernetes.io/managed-by=quartermaster`, for list and watch requests.
    public static let managedBySelector = OperatorIdentity.quartermaster.managedBySelector

    /// The stable selector labels of one instance: `name` and `instance`.
    public static func selector(name: String, instance: String) -> [String: String] {
        [nameKey: name, instanceKey: instance]
    }

    /// All five labels for one object of an instance.
    public static func labels(name: String, instance: String, component: String) -> [String: String] {
        selector(name: name, instance: instance).merging([
            componentKey: component, partOfKey: partOfValue, managedByKey: managedByValue,
        ]) { a, _ in a }
    }
}
