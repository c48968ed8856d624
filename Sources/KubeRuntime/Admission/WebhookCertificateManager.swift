import Foundation
import KubeClient
import KubeCore
import Logging

/// Keeps the webhook's certificates in a Secret in the operator's namespace and the `caBundle`
/// of the webhook entries the operator owns in sync with them. Every replica runs one; the
/// Secret is the single source, so all replicas serve the same certificate.
///
/// - No Secret: a CA and a serving certificate are made and the Secret is created with POST;
///   when another replica created it first (409 AlreadyExists), that one is read and used.
/// - A Secret: read and reused; when ``WebhookCertificatePlan`` says so, replaced with PUT
///   carrying the read `resourceVersion` (a replica that loses the race, 409 Conflict, reads
///   the winner's and uses it).
/// - Before a new CA is written, the bundle is patched to trust the new and the old CA, so no
///   API server sees a serving certificate it cannot verify; the previous CA stays in the
///   bundle until it expires.
/// - The ValidatingWebhookConfiguration: only the owned entries' `clientConfig.caBundle` are
///   patched (JSON patch with a `test` of each entry's name), and only when they differ. A
///   configuration that does not exist is left alone (it is installed with the operator).
public struct WebhookCertificateManager: Sendable {
    public let client: KubeClient
    public let options: WebhookCertificateOptions
    /// The wall clock certificates are dated with and judged by. Default `Date()`.
    public let now: @Sendable () -> Date
    let logger: Logger

    public init(
        client: KubeClient, options: WebhookCertificateOptions, now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "kube.webhook.certificates")
    ) {
        self.client = client
        self.options = options
        self.now = now
        self.logger = logger
    }

    /// Makes sure the Secret holds usable certificates and the bundle trusts them; returns them.
    public func reconcile() async throws -> WebhookCertificateSet {
        var lastError: (any Error)?
        for _ in 0..<5 {
            let stored = try await client.getIfExists(Secret.self, name: options.secretName, namespace: options.namespace)
            let at = now()
            let plan = try WebhookCertificatePlan.decide(stored: stored.flatMap(WebhookCertificateSet.init(secret:)), options: options, now: at)
            switch plan {
            case .keep(let set):
                try await patchBundle(set.caBundle(at: at))
                return set
            case .replace(let set, let rotatesAuthority):
                if rotatesAuthority, let stored, let old = WebhookCertificateSet(secret: stored) {
                    // Trust the new CA before anything is served with it.
                    try await patchBundle(set.caBundle(at: at) + old.caBundle(at: at))
                }
                do {
                    if let stored {
                        _ = try await client.replace(set.written(to: stored))
                        logger.info(
                            rotatesAuthority ? "webhook CA rotated" : "webhook serving certificate renewed",
                            metadata: ["secret": "\(options.namespace)/\(options.secretName)"])
                    } else {
                        let secret = set.written(
                            to: Secret(metadata: ObjectMeta(name: options.secretName, namespace: options.namespace, labels: options.labels.isEmpty ? nil : options.labels)))
                        _ = try await client.create(secret)
                        logger.info("webhook certificates created", metadata: ["secret": "\(options.namespace)/\(options.secretName)"])
                    }
                } catch let error as KubeAPIError {
                    switch error {
                    case .conflict, .alreadyExists:
                        lastError = error
                        continue  // another replica wrote first: use what it wrote
                    default: throw error
                    }
                }
                try await patchBundle(set.caBundle(at: at))
                return set
            }
        }
        throw lastError ?? KubeAPIError.conflict("the webhook certificate Secret kept changing")
    }

    /// Sets `clientConfig.caBundle` (base64 of `bundlePEM`) on the owned entries that differ.
    func patchBundle(_ bundlePEM: String) async throws {
        guard let name = options.webhookConfigurationName, !options.webhookNames.isEmpty else { return }
        let encoded = Data(bundlePEM.utf8).base64EncodedString()
        for attempt in 0..<3 {
            guard let configuration = try await client.getIfExists(ValidatingWebhookConfiguration.self, name: name) else {
                logger.debug("no ValidatingWebhookConfiguration to patch", metadata: ["name": "\(name)"])
                return
            }
            var operations: [JSONPatchOperation] = []
            for (index, webhook) in (configuration.webhooks ?? []).enumerated()
            where options.webhookNames.contains(webhook.name) && webhook.clientConfig.caBundle != encoded {
                operations.append(.test("/webhooks/\(index)/name", .string(webhook.name)))
                operations.append(.add("/webhooks/\(index)/clientConfig/caBundle", .string(encoded)))
            }
            guard !operations.isEmpty else { return }
            do {
                _ = try await client.jsonPatch(ValidatingWebhookConfiguration.self, name: name, operations: operations)
                logger.info("webhook caBundle updated", metadata: ["configuration": "\(name)"])
                return
            } catch KubeAPIError.invalid(let message, _) where attempt < 2 {
                // An entry moved between the read and the patch: read again.
                logger.debug("caBundle patch raced a change; retrying", metadata: ["reason": "\(message)"])
            }
        }
    }
}
