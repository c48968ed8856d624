import Foundation
import KubeCore

extension ResourceOffering {
    /// PostgresInstances offered as Resources (templates `postgres-small`, `postgres-medium`).
    ///
    /// - Status: endpoint `status.endpoints.uri`, the password-free
    ///   `postgresql://<owner>@<name>-rw.<ns>.svc:5432/<database>`
    ///   (``PostgresInstanceStatus/Endpoints/uri(owner:rw:database:)``; the offering reads a
    ///   status field, so the URI is one, next to `rw`); credentials Secret
    ///   `status.credentialsSecretRef.name` (`<name>-app`); progress
    ///   `<status.readyInstances>/<spec.instances> instances ready`; pods created:
    ///   `status.instances`.
    /// - Footprint: ``PostgresInstanceDesiredState/quotaObjects(for:)``, the objects the
    ///   PostgresInstance controller renders for a new instance of the spec (every serial's pod
    ///   and claims, the pooler's Deployment, Services, Secrets), so the quota check reads the
    ///   very objects that are applied.
    /// - Policy: ``PostgresInstanceSpec/policySubject``, what the admission webhook and the
    ///   PostgresInstance controller judge.
    public static let postgresInstance = ResourceOffering(
        PostgresInstance.self,
        statusPaths: ResourceChildStatusPaths(
            endpoints: ["/status/endpoints/uri"],
            credentialsSecretName: "/status/credentialsSecretRef/name",
            progress: .init(
                ready: "/status/readyInstances", desired: "/spec/instances", unit: "instances",
                created: "/status/instances")),
        desiredObjects: { instance in try PostgresInstanceDesiredState.quotaObjects(for: instance) },
        policySubject: { instance in instance.spec.policySubject })
}
