import KubeCore

extension QuartermasterAdmission {
    /// The namespaced Role of the webhook's certificate Secret: `quartermaster-webhook-role`.
    public static let secretRoleName = "quartermaster-webhook-role"
    /// The ClusterRole of the webhook configuration's `caBundle`: `quartermaster-webhook-configuration-role`.
    public static let configurationRoleName = "quartermaster-webhook-configuration-role"

    /// What the certificate manager needs in the operator's namespace, each with its reason:
    /// read and renew the one Secret (by name), and create it (create cannot be limited by name).
    public static var secretRules: [DocumentedPolicyRule] {
        [
            DocumentedPolicyRule(
                "The webhook certificate Secret: read on start and every hour, renewed with an update guarded by its resourceVersion.",
                PolicyRule(apiGroups: [""], resources: ["secrets"], verbs: ["get", "update"], resourceNames: [secretName])),
            DocumentedPolicyRule(
                "The webhook certificate Secret is created with POST by the first replica (create cannot be limited by name).",
                PolicyRule(apiGroups: [""], resources: ["secrets"], verbs: ["create"])),
        ]
    }

    /// What the certificate manager needs cluster-wide: read the one ValidatingWebhookConfiguration
    /// and patch the `caBundle` of the entries the operator owns.
    public static var configurationRules: [DocumentedPolicyRule] {
        [
            DocumentedPolicyRule(
                "The caBundle of the operator's own webhook entries, patched when the CA changes (JSON patch testing each entry's name).",
                PolicyRule(
                    apiGroups: ["admissionregistration.k8s.io"], resources: ["validatingwebhookconfigurations"],
                    verbs: ["get", "patch"], resourceNames: [configurationName])),
        ]
    }
}
