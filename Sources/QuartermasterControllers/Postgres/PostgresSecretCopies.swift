import KubeCore

/// Copies of `<name>-app` in other namespaces (`spec.secretNamespaces`), pure rules.
///
/// - A namespace receives the copy only when its annotation ``acceptAnnotation`` lists the
///   instance as `<namespace>/<name>` or `<namespace>/*` (comma-separated entries, blanks
///   ignored).
/// - The copy has the same name and data, the instance's labels and ``sourceAnnotation``
///   `<namespace>/<name>`; no owner reference (they cannot cross namespaces: the
///   ``PostgresInstanceReconciler/secretCopiesFinalizer`` deletes copies with the instance).
/// - Only a Secret with that annotation and the `managed-by` label is ever updated or deleted:
///   anything else of that name is left alone.
public enum PostgresSecretCopies {
    public static let acceptAnnotation = "quartermaster.dev/accept-secrets-from"
    public static let sourceAnnotation = "quartermaster.dev/copied-from"

    /// `true` when `namespace`'s annotations accept Secrets from `instance` in `sourceNamespace`.
    public static func accepts(_ namespace: Namespace?, sourceNamespace: String, instance: String) -> Bool {
        guard let value = namespace?.metadata.annotations?[acceptAnnotation] else { return false }
        let entries = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return entries.contains("\(sourceNamespace)/\(instance)") || entries.contains("\(sourceNamespace)/*")
    }

    /// The copy of `app` for `namespace`.
    public static func copy(of app: Secret, into namespace: String, source: String) -> Secret {
        Secret(
            metadata: ObjectMeta(
                name: app.metadata.name, namespace: namespace, labels: app.metadata.labels,
                annotations: [sourceAnnotation: source]),
            type: app.type, data: app.data)
    }

    /// `true` when `secret` is a copy made from `source` (`<namespace>/<name>`).
    public static func isCopy(_ secret: Secret, from source: String) -> Bool {
        secret.metadata.annotations?[sourceAnnotation] == source
            && secret.metadata.labels?[QuartermasterLabels.managedByKey] == QuartermasterLabels.managedByValue
    }
}
