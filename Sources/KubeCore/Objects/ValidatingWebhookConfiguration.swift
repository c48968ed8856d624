import Foundation

/// A ValidatingWebhookConfiguration (`admissionregistration.k8s.io/v1`, cluster-scoped): which
/// writes the API server sends to which webhooks.
public struct ValidatingWebhookConfiguration: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "admissionregistration.k8s.io", version: "v1", kind: "ValidatingWebhookConfiguration",
        plural: "validatingwebhookconfigurations", namespaced: false)

    /// Always encoded; defaults to `admissionregistration.k8s.io/v1`.
    public var apiVersion: String
    /// Always encoded; defaults to `ValidatingWebhookConfiguration`.
    public var kind: String
    public var metadata: ObjectMeta
    public var webhooks: [ValidatingWebhook]?

    public init(metadata: ObjectMeta = ObjectMeta(), webhooks: [ValidatingWebhook]? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.webhooks = webhooks
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, webhooks }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeTypeMeta(.apiVersion, default: Self.resource.apiVersion)
        kind = try c.decodeTypeMeta(.kind, default: Self.resource.kind)
        metadata = try c.decodeMetadata(.metadata)
        webhooks = try c.decodeIfPresent([ValidatingWebhook].self, forKey: .webhooks)
    }
}

/// One webhook of a ``ValidatingWebhookConfiguration``.
public struct ValidatingWebhook: Codable, Hashable, Sendable {
    /// A fully qualified name, unique in the configuration (`widgets.example.dev`).
    public var name: String
    public var clientConfig: WebhookClientConfig
    public var rules: [RuleWithOperations]?
    /// `Fail` or `Ignore` (server default `Fail`).
    public var failurePolicy: String?
    /// `Exact` or `Equivalent` (server default `Equivalent`).
    public var matchPolicy: String?
    public var namespaceSelector: LabelSelector?
    public var objectSelector: LabelSelector?
    /// `None` or `NoneOnDryRun` for a webhook without side effects.
    public var sideEffects: String
    /// 1 to 30 (server default 10).
    public var timeoutSeconds: Int?
    public var admissionReviewVersions: [String]

    public init(
        name: String, clientConfig: WebhookClientConfig, rules: [RuleWithOperations]? = nil, failurePolicy: String? = nil,
        matchPolicy: String? = nil, namespaceSelector: LabelSelector? = nil, objectSelector: LabelSelector? = nil,
        sideEffects: String = "None", timeoutSeconds: Int? = nil, admissionReviewVersions: [String] = ["v1"]
    ) {
        self.name = name
        self.clientConfig = clientConfig
        self.rules = rules
        self.failurePolicy = failurePolicy
        self.matchPolicy = matchPolicy
        self.namespaceSelector = namespaceSelector
        self.objectSelector = objectSelector
        self.sideEffects = sideEffects
        self.timeoutSeconds = timeoutSeconds
        self.admissionReviewVersions = admissionReviewVersions
    }
}

/// Where the API server reaches a webhook: a URL, or a Service in the cluster; and the PEM CA
/// bundle (base64 in JSON) it verifies the serving certificate with.
public struct WebhookClientConfig: Codable, Hashable, Sendable {
    public var url: String?
    public var service: ServiceReference?
    /// Base64 of PEM certificates.
    public var caBundle: String?

    public init(url: String? = nil, service: ServiceReference? = nil, caBundle: String? = nil) {
        self.url = url
        self.service = service
        self.caBundle = caBundle
    }

    /// A Service the webhook is reached through (port default 443).
    public struct ServiceReference: Codable, Hashable, Sendable {
        public var namespace: String
        public var name: String
        public var path: String?
        public var port: Int?
        public init(namespace: String, name: String, path: String? = nil, port: Int? = nil) {
            self.namespace = namespace
            self.name = name
            self.path = path
            self.port = port
        }
    }
}

/// Which operations on which resources a webhook sees (`resources` may name a subresource,
/// `ipfsclusters/status`; naming only the main resource excludes them).
public struct RuleWithOperations: Codable, Hashable, Sendable {
    public var operations: [String]
    public var apiGroups: [String]
    public var apiVersions: [String]
    public var resources: [String]
    /// `Cluster`, `Namespaced` or `*` (server default `*`).
    public var scope: String?

    public init(operations: [String], apiGroups: [String], apiVersions: [String], resources: [String], scope: String? = nil) {
        self.operations = operations
        self.apiGroups = apiGroups
        self.apiVersions = apiVersions
        self.resources = resources
        self.scope = scope
    }
}
