import Foundation

/// Where the webhook's certificates live and what they cover.
public struct WebhookCertificateOptions: Sendable, Hashable {
    /// The namespace of the Secret and the Service (the operator's own).
    public var namespace: String
    /// The Secret holding the CA and the serving certificate.
    public var secretName: String
    /// The Service the API server reaches the webhook through. The serving certificate covers
    /// `NAME`, `NAME.NS`, `NAME.NS.svc` and `NAME.NS.svc.cluster.local`.
    public var serviceName: String
    /// More DNS names to cover. Default none.
    public var extraDNSNames: [String]
    /// IP addresses to cover (`127.0.0.1` for a webhook reached on loopback). Default none.
    public var ipAddresses: [String]
    /// The ValidatingWebhookConfiguration whose `caBundle` is kept up to date; `nil` leaves it
    /// alone. Default `nil`.
    public var webhookConfigurationName: String?
    /// The webhook entries (by name) of that configuration the operator owns; only their
    /// `clientConfig.caBundle` is patched.
    public var webhookNames: Set<String>
    /// The CA's validity. Default 5 years (1,825 days).
    public var authorityValidity: Duration
    /// The serving certificate's validity. Default 90 days.
    public var servingValidity: Duration
    /// A certificate is replaced when less than this fraction of its validity remains. Default
    /// 1/3: the serving certificate 30 days before it expires, the CA about 20 months before,
    /// and the old CA stays trusted (in the bundle) until it expires.
    public var renewalFraction: Double
    /// The CA's common name. Default `"<serviceName>-ca"`.
    public var authorityCommonName: String
    /// Labels on the Secret when it is created. Default none.
    public var labels: [String: String]

    public init(
        namespace: String, secretName: String, serviceName: String, extraDNSNames: [String] = [],
        ipAddresses: [String] = [], webhookConfigurationName: String? = nil, webhookNames: Set<String> = [],
        authorityValidity: Duration = .seconds(1825 * 86_400), servingValidity: Duration = .seconds(90 * 86_400),
        renewalFraction: Double = 1.0 / 3.0, authorityCommonName: String? = nil, labels: [String: String] = [:]
    ) {
        self.namespace = namespace
        self.secretName = secretName
        self.serviceName = serviceName
        self.extraDNSNames = extraDNSNames
        self.ipAddresses = ipAddresses
        self.webhookConfigurationName = webhookConfigurationName
        self.webhookNames = webhookNames
        self.authorityValidity = authorityValidity
        self.servingValidity = servingValidity
        self.renewalFraction = renewalFraction
        self.authorityCommonName = authorityCommonName ?? "\(serviceName)-ca"
        self.labels = labels
    }

    /// Every DNS name the serving certificate covers.
    public var dnsNames: [String] {
        let s = serviceName
        let ns = namespace
        return [s, "\(s).\(ns)", "\(s).\(ns).svc", "\(s).\(ns).svc.cluster.local"] + extraDNSNames
    }
}
