import KubeCore

extension QuartermasterAdmission {
    /// How the API server treats a request when the webhook cannot be reached: `Fail`. Only
    /// the operator's own kinds are sent (CREATE and UPDATE; never DELETE, never status), and
    /// nothing reconciles them while the operator is down, so refusing their writes then is
    /// the safe choice: nothing out of bounds is stored behind the webhook's back.
    public static let failurePolicy = "Fail"
    /// The API server waits at most this long for a verdict: 5 seconds.
    public static let timeoutSeconds = 5
    /// Namespaces never sent to the webhook (on servers that label namespaces with
    /// `kubernetes.io/metadata.name`, v1.21 on; none of these hold the operator's kinds anyway).
    public static func exemptNamespaces(operatorNamespace: String) -> [String] { ["kube-system", operatorNamespace] }

    /// The ValidatingWebhookConfiguration for `kinds`: one entry per kind with admission checks
    /// (name ``webhookName(_:)``), reached through `clientConfig(kind)`; `caBundle` left to the
    /// operator's certificate manager.
    public static func configuration(
        kinds: [KindDeclaration] = QuartermasterKinds.all, operatorNamespace: String,
        failurePolicy: String = failurePolicy, clientConfig: (ResourceDescriptor) -> WebhookClientConfig
    ) -> ValidatingWebhookConfiguration {
        let webhooks = Self.kinds(kinds).map { kind in
            let r = kind.resource
            return ValidatingWebhook(
                name: webhookName(r), clientConfig: clientConfig(r),
                rules: [
                    RuleWithOperations(
                        operations: ["CREATE", "UPDATE"], apiGroups: [r.group], apiVersions: [r.version], resources: [r.plural],
                        scope: r.namespaced ? "Namespaced" : "Cluster")
                ],
                failurePolicy: failurePolicy, matchPolicy: "Equivalent",
                namespaceSelector: LabelSelector(matchExpressions: [
                    LabelSelector.Requirement(
                        key: "kubernetes.io/metadata.name", operator: .notIn,
                        values: exemptNamespaces(operatorNamespace: operatorNamespace))
                ]),
                sideEffects: "None", timeoutSeconds: timeoutSeconds, admissionReviewVersions: ["v1"])
        }
        return ValidatingWebhookConfiguration(
            metadata: ObjectMeta(name: configurationName, labels: ["app.kubernetes.io/name": "quartermaster", "app.kubernetes.io/component": "webhook"]),
            webhooks: webhooks)
    }

    /// The in-cluster client configuration: the webhook Service in `namespace`, port 443, the
    /// kind's ``path(_:)``.
    public static func serviceClientConfig(namespace: String) -> (ResourceDescriptor) -> WebhookClientConfig {
        { r in WebhookClientConfig(service: .init(namespace: namespace, name: serviceName, path: path(r), port: 443)) }
    }
}
