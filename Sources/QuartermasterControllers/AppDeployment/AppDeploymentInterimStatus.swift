import Foundation
import KubeCore

/// Observation → `status` (the contract's "Status" and phases), pure.
///
/// Branch `drec`'s stand-in until branch `dapi`'s `AppDeploymentStatusComputation` lands.
///
/// Phase: a problem keeps the stored phase (`Queued` when none) with `Stalled` True; an image
/// not resolved, or a quota that does not fit, is `Queued`; a database, volume or IPFSCluster
/// not ready is `Provisioning`; then the revision plan's `Failed`, `RollingBack`, `Deploying`,
/// `Healthy`, and `Exposed` once the URL is known (an Ingress with a load-balancer address, a
/// LoadBalancer Service with an ingress, ClusterIP and NodePort at once). Suspended (spec or
/// Tenant): the phase stays, `Ready` False reason `Suspended`. `Ready` True only in `Exposed`.
public enum AppDeploymentInterimStatus {
    public static func compute(app: AppDeployment, observation o: AppDeploymentObservation, now: Date)
        -> AppDeploymentStatus
    {
        let previous = app.status
        let generation = app.metadata.generation
        let spec = app.spec
        var status = previous ?? AppDeploymentStatus()
        status.observedGeneration = generation
        if let digest = o.digest {
            status.image = AppDeploymentStatus.Image(reference: spec.image, digest: digest)
        } else if status.image?.reference != spec.image {
            status.image = AppDeploymentStatus.Image(reference: spec.image)
        }
        if let plan = o.plan {
            status.revision = plan.revision
            status.history = plan.history
        }
        status.replicas = o.deployment?.status?.replicas ?? (o.deployment == nil ? nil : 0)
        status.availableReplicas = o.deployment?.status?.availableReplicas ?? (o.deployment == nil ? nil : 0)
        status.database = o.database
        let address = url(app: app, observation: o)
        status.url = address?.url
        status.ip = address?.ip

        let suspended = spec.suspended || o.suspendedByTenant != nil
        let phase: AppDeploymentStatus.Phase
        var ready: (Condition.Status, String, String)
        var reconciling: (Condition.Status, String, String)
        var stalled: (Condition.Status, String, String) = (.false, "AsExpected", "nothing stops the reconciler")
        if let first = o.problems.first {
            let message = o.problems.map(\.message).joined(separator: "; ")
            phase = previous?.phase ?? .queued
            ready = (.false, first.reason.rawValue, message)
            reconciling = (.false, "Stalled", "waiting for the spec or its surroundings to change")
            stalled = (.true, first.reason.rawValue, message)
        } else if let failure = o.imageFailure {
            phase = .queued
            ready = (.false, "ResolvingImage", failure)
            reconciling = (.true, "ResolvingImage", failure)
        } else if let shortfall = o.quotaShortfall {
            phase = .queued
            ready = (.false, "QuotaExceeded", shortfall)
            reconciling = (.false, "QuotaExceeded", "waiting for quota")
            stalled = (.true, "QuotaExceeded", shortfall)
        } else if !o.applied || o.plan == nil {
            phase = .provisioning
            let waiting = provisioningMessage(app: app, observation: o)
            ready = (.false, "Provisioning", waiting)
            reconciling = (.true, "Provisioning", waiting)
        } else if let plan = o.plan, plan.failed {
            phase = .failed
            let message = plan.history.first { $0.outcome == .failed }?.message ?? "the rollout failed"
            ready = (.false, "ProgressDeadlineExceeded", message)
            reconciling = (.false, "ProgressDeadlineExceeded", "a new spec generation retries")
        } else if let plan = o.plan, plan.rollingBack {
            phase = .rollingBack
            let message = "rolling back to revision \(plan.revision) (\(plan.digest))"
            ready = (.false, "RollingBack", message)
            reconciling = (.true, "RollingBack", message)
        } else if let plan = o.plan, !plan.healthy {
            phase = .deploying
            let s = o.deployment?.status
            let message =
                "revision \(plan.revision): \(s?.availableReplicas ?? 0)/\(o.deployment?.spec?.replicas ?? 1) available, \(s?.updatedReplicas ?? 0) updated"
            ready = (.false, "Deploying", message)
            reconciling = (.true, "Deploying", message)
        } else if let url = address?.url {
            phase = .exposed
            ready = (.true, "Exposed", "revision \(status.revision ?? 0) is healthy at \(url)")
            reconciling = (.false, "Exposed", "the current spec is rolled out")
        } else {
            phase = .healthy
            let message = "revision \(status.revision ?? 0) is healthy; waiting for a load-balancer address"
            ready = (.false, "WaitingForAddress", message)
            reconciling = (.true, "WaitingForAddress", message)
        }
        if suspended, o.problems.isEmpty {
            let why = o.suspendedByTenant.map { "tenant \($0) is suspended" } ?? "spec.suspended is true"
            ready = (.false, "Suspended", "\(why): no pod runs")
            status.phase = previous?.phase ?? phase
        } else {
            status.phase = phase
        }

        var conditions = previous?.conditions ?? []
        func set(_ type: String, _ value: (Condition.Status, String, String)) {
            conditions.set(
                Condition(type: type, status: value.0, observedGeneration: generation, reason: value.1, message: value.2),
                now: now)
        }
        set("Ready", ready)
        set("Reconciling", reconciling)
        set("Stalled", stalled)
        let rolledBack = AppDeploymentStatus.ConditionType.rolledBack
        if let message = o.plan?.rolledBack {
            set(rolledBack, (.true, "ProgressDeadlineExceeded", message))
        } else if let plan = o.plan, plan.healthy, let marked = conditions[type: rolledBack],
            let from = plan.history.last(where: { $0.outcome == .rolledBack }), plan.revision > from.revision
        {
            _ = marked
            conditions.remove(type: rolledBack)
        }
        let autoscaling = AppDeploymentStatus.ConditionType.autoscaling
        if spec.autoscaling != nil {
            set(
                autoscaling,
                o.servedAPIs.autoscalingV2
                    ? (.true, "Created", "HorizontalPodAutoscaler \(app.metadata.name ?? "") scales the pods")
                    : (.false, "NotServed",
                        "autoscaling/v2 is not served by this API server (v1.20 serves v2beta2); no HorizontalPodAutoscaler created"))
        } else {
            conditions.remove(type: autoscaling)
        }
        let budget = AppDeploymentStatus.ConditionType.disruptionBudget
        if max(spec.replicas, spec.autoscaling?.minReplicas ?? 0) > 1 {
            set(
                budget,
                o.servedAPIs.policyV1
                    ? (.true, "Created", "PodDisruptionBudget \(app.metadata.name ?? "") keeps one pod available")
                    : (.false, "NotServed",
                        "policy/v1 is not served by this API server (v1.20 serves v1beta1); no PodDisruptionBudget created"))
        } else {
            conditions.remove(type: budget)
        }
        let database = AppDeploymentStatus.ConditionType.databaseReady
        if let db = o.database {
            set(
                database,
                db.ready
                    ? (.true, "Ready", "Resource \(db.resource) is ready; DATABASE_URL comes from Secret \(db.secretName ?? "")")
                    : (.false, "NotReady", "waiting for Resource \(db.resource) to be ready"))
        } else if spec.database == nil {
            conditions.remove(type: database)
        }
        let ipfs = AppDeploymentStatus.ConditionType.ipfsBound
        if let binding = spec.ipfs, let state = o.ipfs {
            switch state {
            case .bound: set(ipfs, (.true, "Bound", "IPFSCluster \(binding.cluster) is ready"))
            case .notReady: set(ipfs, (.false, "NotReady", "IPFSCluster \(binding.cluster) is not ready"))
            case .notFound: set(ipfs, (.false, "NotFound", "no IPFSCluster \(binding.cluster) in this namespace"))
            }
        } else if spec.ipfs == nil {
            conditions.remove(type: ipfs)
        }
        status.conditions = conditions
        return status
    }

    /// What `Provisioning` waits for.
    static func provisioningMessage(app: AppDeployment, observation o: AppDeploymentObservation) -> String {
        var waiting: [String] = []
        if let db = o.database, !db.ready { waiting.append("Resource \(db.resource)") }
        if let binding = app.spec.ipfs, o.ipfs != .bound { waiting.append("IPFSCluster \(binding.cluster)") }
        return waiting.isEmpty ? "creating the application's objects" : "waiting for " + waiting.joined(separator: " and ")
    }

    /// `url` and `ip`: the Ingress (https with TLS) once it has a load-balancer address; a
    /// LoadBalancer Service once it has an ingress (`http://<address>:<port>`); else the
    /// in-cluster `http://<name>.<namespace>.svc:<port>` (ClusterIP, NodePort).
    static func url(app: AppDeployment, observation o: AppDeploymentObservation) -> (url: String, ip: String?)? {
        let name = app.metadata.name ?? ""
        let namespace = app.metadata.namespace ?? ""
        let port = app.spec.port
        if let host = app.spec.expose.host {
            guard let address = firstAddress(o.ingress?.status) else { return nil }
            return ("\(app.spec.expose.tls == nil ? "http" : "https")://\(host)", address.ip)
        }
        if app.spec.expose.serviceType == .loadBalancer {
            guard let address = firstAddress(o.service?.status) else { return nil }
            let shown = address.ip.map { $0.contains(":") ? "[\($0)]" : $0 } ?? address.hostname ?? ""
            return ("http://\(shown):\(port)", address.ip)
        }
        return ("http://\(name).\(namespace).svc:\(port)", nil)
    }

    /// The first `status.loadBalancer.ingress[]` entry with an `ip` or `hostname`.
    static func firstAddress(_ status: JSONValue?) -> (ip: String?, hostname: String?)? {
        for entry in status?.value(at: "loadBalancer", "ingress")?.arrayValue ?? [] {
            let ip = entry["ip"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            let hostname = entry["hostname"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            if ip != nil || hostname != nil { return (ip, hostname) }
        }
        return nil
    }
}
