import Foundation
import KubeClient
import KubeRuntime
import Logging

/// How the operator serves its admission webhook (`quartermaster run --enable-webhook ...`).
public struct WebhookSettings: Sendable, Hashable {
    /// Where to listen. Default every interface, port ``QuartermasterAdmission/port`` (9443).
    public var address: BindAddress
    /// The certificate Secret in the operator's namespace. Default ``QuartermasterAdmission/secretName``.
    public var secretName: String
    /// The Service the certificate is made for. Default ``QuartermasterAdmission/serviceName``.
    public var serviceName: String
    /// More names the certificate covers: IP literals (`127.0.0.1` for a webhook on loopback)
    /// and DNS names. Default none.
    public var extraHosts: [String]
    /// The ValidatingWebhookConfiguration whose owned entries get the `caBundle`. Default
    /// ``QuartermasterAdmission/configurationName``.
    public var configurationName: String

    public init(
        address: BindAddress = .listen(host: nil, port: QuartermasterAdmission.port),
        secretName: String = QuartermasterAdmission.secretName, serviceName: String = QuartermasterAdmission.serviceName,
        extraHosts: [String] = [], configurationName: String = QuartermasterAdmission.configurationName
    ) {
        self.address = address
        self.secretName = secretName
        self.serviceName = serviceName
        self.extraHosts = extraHosts
        self.configurationName = configurationName
    }

    /// The certificate options for the operator's namespace `namespace`.
    public func certificateOptions(namespace: String, kinds: [KindDeclaration] = QuartermasterKinds.all) -> WebhookCertificateOptions {
        let isIP = { (h: String) in h.contains(":") || (h.split(separator: ".").count == 4 && h.split(separator: ".").allSatisfy { UInt8($0) != nil }) }
        return WebhookCertificateOptions(
            namespace: namespace, secretName: secretName, serviceName: serviceName,
            extraDNSNames: extraHosts.filter { !isIP($0) }, ipAddresses: extraHosts.filter(isIP),
            webhookConfigurationName: configurationName, webhookNames: QuartermasterAdmission.webhookNames(kinds),
            labels: [QuartermasterLabels.managedByKey: QuartermasterLabels.managedByValue])
    }

    /// The webhook the manager runs on every replica: validators of `kinds`, the namespace's
    /// Tenant read from `cache` (informers shared with the Tenant controller), certificates
    /// in `settings.operatorNamespace` (default `default`).
    public func makeWebhook(
        client: KubeClient, cache: InformerCache, settings: ControllerSettings, kinds: [KindDeclaration] = QuartermasterKinds.all,
        now: @escaping @Sendable () -> Date = { Date() }, clock: any RuntimeClock = ContinuousRuntimeClock()
    ) -> AdmissionWebhook {
        let namespace = settings.operatorNamespace ?? "default"
        let routes = QuartermasterAdmission.routes(
            kinds: kinds, tenants: TenantLookup.shared(in: cache, settings: settings), operatorNamespace: settings.operatorNamespace,
            allowFileSources: settings.allowFileSources)
        let logger = Logger(label: settings.logger.label + ".webhook")
        return AdmissionWebhook(
            server: AdmissionWebhookServer(address: address, routes: routes, logger: logger),
            certificates: WebhookCertificateManager(
                client: client, options: certificateOptions(namespace: namespace, kinds: kinds), now: now, logger: logger),
            clock: clock, logger: logger)
    }
}
