import KubeCore

@testable import QuartermasterControllers

/// A `Deployment` `acme/web` as the CLI tests see it: three revisions, the second rolled back
/// automatically, the third served and exposed.
enum AppDeploymentCLISamples {
    static func digest(_ prefix: String) -> String {
        "sha256:" + prefix + String(repeating: "0", count: 64 - prefix.count)
    }

    static let history: [AppDeploymentStatus.HistoryEntry] = [
        .init(
            revision: 1, image: "ghcr.io/acme/web:1.2", digest: digest("1111"), templateHash: "0123456789abcdef",
            deployedAt: "2026-11-30T08:00:00Z", outcome: .superseded),
        .init(
            revision: 2, image: "ghcr.io/acme/web:1.3", digest: digest("9f2c"), templateHash: "0123456789abcdef",
            deployedAt: "2026-12-01T10:00:00Z", outcome: .rolledBack, reason: "ProgressDeadlineExceeded",
            message: "not available within 600s"),
        .init(
            revision: 3, image: "ghcr.io/acme/web:1.4", digest: digest("4d0b"), templateHash: "0123456789abcdef",
            deployedAt: "2026-12-02T09:30:00Z", outcome: .healthy),
    ]

    static let exposed = AppDeploymentStatus(
        observedGeneration: 4, phase: .exposed, revision: 3, url: "https://web.apps.example.com", ip: "203.0.113.7",
        image: .init(reference: "ghcr.io/acme/web:1.4", digest: digest("4d0b")), replicas: 2, availableReplicas: 2,
        history: history,
        conditions: [
            Condition(type: "Ready", status: .true, observedGeneration: 4, reason: "Exposed", message: "served"),
            Condition(type: "Reconciling", status: .false, observedGeneration: 4, reason: "Exposed", message: ""),
            Condition(type: "Stalled", status: .false, observedGeneration: 4, reason: "Exposed", message: ""),
            Condition(
                type: "RolledBack", status: .true, reason: "ProgressDeadlineExceeded",
                message: "revision 2 rolled back to revision 1"),
            Condition(type: "Autoscaling", status: .true, reason: "Created", message: ""),
        ])

    static func deployment(
        generation: Int64 = 4, status: AppDeploymentStatus? = exposed, _ change: (inout AppDeploymentSpec) -> Void = { _ in }
    ) -> AppDeployment {
        var spec = AppDeploymentSpec(image: "ghcr.io/acme/web:1.4")
        change(&spec)
        var metadata = ObjectMeta(name: "web", namespace: "acme")
        metadata.generation = generation
        return AppDeployment(metadata: metadata, spec: spec, status: status)
    }
}
