import Foundation
import KubeCore

/// The content of a PostgresInstance's Secrets (pure apart from key and password generation).
/// The reconciler creates each once (POST, after a direct read shows none) and never generates
/// it again; only `<name>-app`'s derived keys are kept in step with its stored password.
///
/// | Secret | keys |
/// | --- | --- |
/// | `<name>-ca` | `ca.crt`, `ca.key` (operator only) |
/// | `<name>-server` | `tls.crt`, `tls.key`, `ca.crt` |
/// | `<name>-replication` | `tls.crt`, `tls.key`, `ca.crt` (CN `streaming_replica`) |
/// | `<name>-pooler` | `password` (role `quartermaster_pooler`), `tls.crt`, `tls.key`, `ca.crt` |
/// | `<name>-app` | ``PostgresConnectionSecret`` |
struct PostgresInstanceSecrets {
    var instance: PostgresInstance
    var clusterDomain: String
    var now: Date

    var names: PostgresInstanceNames { PostgresInstanceNames(instance: instance.metadata.name ?? "") }
    var namespace: String { instance.metadata.namespace ?? "" }

    func metadata(_ name: String, component: String) -> ObjectMeta {
        ObjectMeta(
            name: name, namespace: namespace, labels: PostgresInstanceLabels.labels(instance: names.instance, component: component),
            ownerReferences: instance.ownerReference().map { [$0] })
    }

    static func secret(_ metadata: ObjectMeta, _ values: [String: String]) -> Secret {
        Secret(metadata: metadata, type: "Opaque", data: values.mapValues { Data($0.utf8).base64EncodedString() })
    }

    /// The CA of a stored `<name>-ca`, `nil` when its keys are missing.
    static func authority(in secret: Secret) -> PostgresCertificate? {
        guard let crt = secret.decodedString("ca.crt"), let key = secret.decodedString("ca.key"), !crt.isEmpty, !key.isEmpty
        else { return nil }
        return PostgresCertificate(certificatePEM: crt, privateKeyPEM: key)
    }

    func ca() throws -> Secret {
        let ca = try PostgresCertificates.authority(instance: names.instance, namespace: namespace, now: now)
        return Self.secret(metadata(names.caSecret, component: "ca"), ["ca.crt": ca.certificatePEM, "ca.key": ca.privateKeyPEM])
    }

    func server(authority: PostgresCertificate) throws -> Secret {
        let dns = PostgresCertificates.serverDNSNames(names: names, namespace: namespace, clusterDomain: clusterDomain)
        let cert = try PostgresCertificates.server(authority: authority, dnsNames: dns, now: now)
        return Self.secret(
            metadata(names.serverSecret, component: "tls"),
            ["tls.crt": cert.certificatePEM, "tls.key": cert.privateKeyPEM, "ca.crt": authority.certificatePEM])
    }

    func replication(authority: PostgresCertificate) throws -> Secret {
        let cert = try PostgresCertificates.client(authority: authority, commonName: PostgresInstanceNames.replicationUser, now: now)
        return Self.secret(
            metadata(names.replicationSecret, component: "tls"),
            ["tls.crt": cert.certificatePEM, "tls.key": cert.privateKeyPEM, "ca.crt": authority.certificatePEM])
    }

    func pooler(authority: PostgresCertificate) throws -> Secret {
        let dns = PostgresCertificates.poolerDNSNames(names: names, namespace: namespace, clusterDomain: clusterDomain)
        let cert = try PostgresCertificates.server(authority: authority, dnsNames: dns, now: now)
        return Self.secret(
            metadata(names.poolerSecret, component: PostgresInstanceLabels.poolerComponent),
            [
                "password": PostgresPassword.generate(), "tls.crt": cert.certificatePEM, "tls.key": cert.privateKeyPEM,
                "ca.crt": authority.certificatePEM,
            ])
    }

    /// `<name>-app` for `password` (a new one, or the stored one when keeping it in step).
    func app(password: String, authority: PostgresCertificate) -> Secret {
        Self.secret(metadata(names.appSecret, component: "credentials"), connection(password: password, authority: authority).data)
    }

    func connection(password: String, authority: PostgresCertificate) -> PostgresConnectionSecret {
        PostgresConnectionSecret(
            names: names, namespace: namespace, database: instance.spec.database, owner: instance.spec.owner,
            password: password, caCertificatePEM: authority.certificatePEM, pooler: instance.spec.pooler.enabled)
    }
}
