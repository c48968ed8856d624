import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Digest pinning: `spec.image` resolved once per distinct text.
extension AppDeploymentReconciler {
    /// The outcome of ``resolveImage(_:logger:)``.
    enum ImageResolution: Sendable, Equatable {
        /// `sha256:<64 hex>`.
        case resolved(digest: String)
        /// Why not (the registry's status line, never credentials): phase `Queued`,
        /// `Reconciling` reason `ResolvingImage`, requeued with backoff.
        case failed(message: String)
    }

    /// The digest `spec.image` stands for: the reference's own digest; else the digest already
    /// in `status.image` for the same text; else the registry's answer (``resolver``), with the
    /// logins of `spec.imagePullSecrets`, each read from the API server (a direct GET, never a
    /// cache; its contents are never logged or written anywhere).
    func resolveImage(_ app: AppDeployment, logger: Logger) async throws -> ImageResolution {
        let text = app.spec.image
        guard let name = AppDeploymentImageName(text) else {
            return .failed(message: "spec.image \(text) is not an image reference")
        }
        if let digest = name.digest { return .resolved(digest: digest) }
        if let stored = app.status?.image, stored.reference == text, let digest = stored.digest,
            AppDeploymentImageName.isDigest(digest)
        {
            return .resolved(digest: digest)
        }
        var secrets: [(name: String, data: [String: Data])] = []
        var missing: [String] = []
        for secretName in app.spec.imagePullSecrets {
            let secret = try await RefusedWrite.guarding(
                "get", kind: Secret.resource.kind, namespace: app.metadata.namespace, name: secretName
            ) { try await client.getIfExists(Secret.self, name: secretName, namespace: app.metadata.namespace) }
            if let secret {
                secrets.append((name: secretName, data: secret.decodedData))
            } else {
                missing.append(secretName)
            }
        }
        let credentials = AppDeploymentRegistryCredentials(secrets: secrets)
        do {
            let digest = try await resolver.resolveDigest(of: name, credentials: credentials)
            logger.info("resolved the image", metadata: ["image": "\(text)", "digest": "\(digest)"])
            return .resolved(digest: digest)
        } catch let error as AppDeploymentImageResolutionError {
            var message = error.message
            if !missing.isEmpty { message += "; pull Secrets not found: \(missing.joined(separator: ", "))" }
            if !credentials.unreadableSecrets.isEmpty {
                message += "; pull Secrets without a docker config: \(credentials.unreadableSecrets.joined(separator: ", "))"
            }
            logger.warning("could not resolve the image", metadata: ["image": "\(text)", "reason": "\(message)"])
            return .failed(message: message)
        }
    }
}
