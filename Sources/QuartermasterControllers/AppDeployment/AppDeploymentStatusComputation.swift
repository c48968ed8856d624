import Foundation
import KubeCore
import KubeRuntime

/// ``AppDeploymentStatusInput`` → `status` of a Deployment (pure).
///
/// Phase, the first that applies:
/// - a problem (``AppDeploymentStatusInput/problems``, or the plan's `UnknownRevision`): the
///   stored phase is kept (what runs keeps running; `Queued` when there is none), `Stalled`
///   True with the first problem;
/// - `spec.suspended`: the stored phase is kept (`Queued` when none), `Ready` False reason
///   `Suspended`;
/// - no digest yet: `Queued`, `Reconciling` reason `ResolvingImage` with the registry's message;
/// - waiting for quota: `Queued`, `Reconciling` reason `WaitingForQuota`;
/// - the database Resource not Ready, the IPFSCluster missing or not Ready, or the PVC not
///   created: `Provisioning`, `Reconciling` reason `Provisioning` naming what is waited for;
/// - the plan's state: `failed` → `Failed` (`Ready` False reason `ProgressDeadlineExceeded`,
///   `Reconciling` False, `Stalled` False: a new spec retries); `rollingBack` → `RollingBack`;
///   `deploying` → `Deploying`; `healthy` → `Exposed` once ``url(for:exposure:)`` is known,
///   else `Healthy`.
///
/// `Ready` is True only in `Exposed` (reason `Exposed`). `Reconciling` is True in `Queued`,
/// `Provisioning`, `Deploying`, `RollingBack` and `Healthy` (waiting for an address), reason the
/// phase (or `ResolvingImage`, `WaitingForQuota`); False otherwise. `Stalled` False reason
/// `NoProblems` without a problem. Each carries `observedGeneration` = `metadata.generation`;
/// transition times are kept while a condition's status does not change.
///
/// Other conditions: `RolledBack` per the plan (``AppDeploymentRevisionPlan/rolledBack``);
/// `Autoscaling` with `spec.autoscaling` (True `Created`, or False `NotServed` without
/// autoscaling/v2), absent otherwise; `DisruptionBudget` when more than one replica may run
/// (`replicas`, or `autoscaling.minReplicas`) — True `Created`, or False `NotServed` without
/// policy/v1 — absent otherwise; `DatabaseReady` with `spec.database` (True `Ready` / False
/// `Provisioning`); `IPFSBound` with `spec.ipfs` (True `Bound` / False `NotFound`, `NotReady`).
///
/// Fields: `progress` from the phase (``AppDeploymentProgress``); `revision`, `history` from the plan (kept without one); `image` is `spec.image`
/// with its digest (`nil` while resolving); `replicas`/`availableReplicas` from the observed
/// Deployment; `database` names the Resource and its Secret; `url`/`ip` whenever known.
public enum AppDeploymentStatusComputation {
    public static let readyCondition = StatusTransition.readyType
    public static let reconcilingCondition = "Reconciling"
    public static let stalledCondition = StatusTransition.stalledType
    public typealias ConditionType = AppDeploymentStatus.ConditionType

    /// The `Autoscaling` message when autoscaling/v2 is not served.
    public static let autoscalingNotServed =
        "autoscaling/v2 is not served by this API server (v1.20 serves v2beta2); no HorizontalPodAutoscaler created"
    /// The `DisruptionBudget` message when policy/v1 is not served.
    public static let disruptionBudgetNotServed =
        "policy/v1 is not served by this API server (v1.20 serves policy/v1beta1); no PodDisruptionBudget created"

    public static func compute(_ input: AppDeploymentStatusInput, now: Date) -> AppDeploymentStatus {
        let deployment = input.deployment
        let spec = deployment.spec
        let name = deployment.metadata.name ?? ""
        let generation = deployment.metadata.generation
        let previous = deployment.status
        var status = previous ?? AppDeploymentStatus()
        status.observedGeneration = generation

        let problems = input.problems + (input.plan?.problem.map { [$0] } ?? [])
        let address = url(for: deployment, exposure: input.exposure, port: input.port)
        status.url = address?.url
        status.ip = address?.ip
        if spec.source != nil {
            status.image = input.imageReference.map { AppDeploymentStatus.Image(reference: $0, digest: input.digest) }
            applySource(input.source, to: &status)
        } else {
            status.image = AppDeploymentStatus.Image(reference: input.imageReference ?? spec.image, digest: input.digest)
        }
        status.replicas = input.rollout?.replicas
        status.availableReplicas = input.rollout?.availableReplicas
        if spec.database != nil {
            status.database = .init(
                resource: "\(name)-db", secretName: input.database?.secretName, ready: input.database?.ready ?? false)
        } else {
            status.database = nil
        }
        if let plan = input.plan, plan.problem == nil {
            status.revision = plan.revision
            status.history = plan.history
        }

        // Phase and the three standard conditions.
        let phase: AppDeploymentStatus.Phase
        var ready: (Condition.Status, String, String)
        var reconciling: (Condition.Status, String, String)
        var stalled: (Condition.Status, String, String) = (.false, "NoProblems", "no problem stops the reconciler")
        let waits = provisioningWaits(input)
        if let problem = problems.first {
            phase = previous?.phase ?? .queued
            ready = (.false, problem.reason.rawValue, problem.message)
            reconciling = (.false, "Stalled", "a problem stops the reconciler: \(problem.reason.rawValue)")
            stalled = (.true, problem.reason.rawValue, problem.message)
        } else if spec.suspended {
            phase = previous?.phase ?? .queued
            ready = (.false, "Suspended", "suspended: scaled to zero, every object kept")
            reconciling = (.false, "Suspended", "no pod runs while suspended")
        } else if let sourcePhase = input.source?.phase {
            phase = sourcePhase
            let message = input.source?.built?.message ?? sourcePhase.rawValue
            ready = (.false, input.source?.built?.reason ?? sourcePhase.rawValue, message)
            reconciling =
                sourcePhase == .failed
                ? (.false, "Failed", "a new spec or commit retries") : (.true, sourcePhase.rawValue, message)
        } else if input.digest == nil {
            phase = .queued
            let message = "resolving \(spec.image) to a digest" + (input.resolvingMessage.map { ": \($0)" } ?? "")
            ready = (.false, "Queued", message)
            reconciling = (.true, "ResolvingImage", message)
        } else if let quota = input.quotaWait {
            phase = .queued
            ready = (.false, "Queued", "waiting for quota: \(quota)")
            reconciling = (.true, "WaitingForQuota", "waiting for quota: \(quota)")
        } else if !waits.isEmpty {
            phase = .provisioning
            let message = "waiting for " + waits.joined(separator: ", ")
            ready = (.false, "Provisioning", message)
            reconciling = (.true, "Provisioning", message)
        } else if let plan = input.plan {
            let counts = replicaCounts(input.rollout)
            switch plan.state {
            case .failed:
                phase = .failed
                let message = plan.failure ?? "revision \(plan.revision) did not become available"
                ready = (.false, AppDeploymentRevisionPlan.progressDeadlineExceeded, message)
                reconciling = (.false, "Failed", "a new image or pod template retries")
            case .rollingBack:
                phase = .rollingBack
                let message = "rolling back to revision \(plan.revision) (\(counts))"
                ready = (.false, "RollingBack", message)
                reconciling = (.true, "RollingBack", message)
            case .deploying:
                phase = .deploying
                let message = "rolling out revision \(plan.revision) (\(counts))"
                ready = (.false, "Deploying", message)
                reconciling = (.true, "Deploying", message)
            case .healthy:
                if let address {
                    phase = .exposed
                    ready = (.true, "Exposed", "revision \(plan.revision) serves \(counts) at \(address.url)")
                    reconciling = (.false, "Idle", "")
                } else {
                    phase = .healthy
                    let message = "revision \(plan.revision) is healthy (\(counts)); waiting for a load-balancer address"
                    ready = (.false, "Healthy", message)
                    reconciling = (.true, "WaitingForAddress", message)
                }
            }
        } else {
            phase = .queued
            ready = (.false, "Queued", "waiting for the first revision")
            reconciling = (.true, "Queued", "waiting for the first revision")
        }
        status.phase = phase
        status.progress = AppDeploymentProgress.percent(for: phase, previous: previous?.progress)

        var conditions = status.conditions ?? []
        func set(_ type: String, _ value: (Condition.Status, String, String)) {
            conditions.set(
                Condition(type: type, status: value.0, observedGeneration: generation, reason: value.1, message: value.2),
                now: now)
        }
        set(readyCondition, ready)
        set(reconcilingCondition, reconciling)
        set(stalledCondition, stalled)

        if spec.source == nil {
            conditions.remove(type: ConditionType.built)
        } else if let built = input.source?.built {
            set(ConditionType.built, (built.status ? .true : .false, built.reason, built.message))
        }

        switch input.plan?.rolledBack ?? .keep {
        case .keep: break
        case .set(let message): set(ConditionType.rolledBack, (.true, AppDeploymentRevisionPlan.progressDeadlineExceeded, message))
        case .remove: conditions.remove(type: ConditionType.rolledBack)
        }

        if let scaling = spec.autoscaling {
            set(
                ConditionType.autoscaling,
                input.servedAPIs.autoscalingV2
                    ? (.true, "Created", "HorizontalPodAutoscaler \(name): \(scaling.minReplicas) to \(scaling.maxReplicas) replicas at \(scaling.targetCPUUtilizationPercentage)% CPU")
                    : (.false, "NotServed", autoscalingNotServed))
        } else {
            conditions.remove(type: ConditionType.autoscaling)
        }

        if (spec.autoscaling?.minReplicas ?? spec.replicas) > 1 {
            set(
                ConditionType.disruptionBudget,
                input.servedAPIs.policyV1
                    ? (.true, "Created", "PodDisruptionBudget \(name): at least 1 pod available")
                    : (.false, "NotServed", disruptionBudgetNotServed))
        } else {
            conditions.remove(type: ConditionType.disruptionBudget)
        }

        if spec.database != nil {
            let db = input.database
            set(
                ConditionType.databaseReady,
                db?.ready == true
                    ? (.true, "Ready", "Resource \(name)-db is ready")
                    : (.false, "Provisioning", "Resource \(name)-db is not ready" + (db?.message.map { ": \($0)" } ?? "")))
        } else {
            conditions.remove(type: ConditionType.databaseReady)
        }

        if let binding = spec.ipfs {
            switch input.ipfs ?? .notFound {
            case .notFound:
                set(ConditionType.ipfsBound, (.false, "NotFound", "IPFSCluster \(binding.cluster) does not exist in this namespace"))
            case .notReady(let why):
                set(ConditionType.ipfsBound, (.false, "NotReady", "IPFSCluster \(binding.cluster) is not ready: \(why)"))
            case .ready:
                set(ConditionType.ipfsBound, (.true, "Bound", "IPFSCluster \(binding.cluster) is ready"))
            }
        } else {
            conditions.remove(type: ConditionType.ipfsBound)
        }
        status.conditions = conditions
        return status
    }

    /// Where the app is reached, from the spec and the observed addresses:
    /// - with `spec.expose.host`: the Ingress, once it has a load-balancer address:
    ///   `https://<host><path>` with `tls`, else `http://...`; `ip` the first address's IP;
    /// - with a `LoadBalancer` Service: once it has an address, `http://<ip or hostname>:<port>`;
    /// - otherwise (`ClusterIP`, `NodePort`): `http://<name>.<namespace>.svc:<port>` at once.
    ///
    /// `nil` while the address is not known. The path is appended when it is not `/`.
    /// `port`: the container port when it is not `spec.port` (a source build's); default `spec.port`.
    public static func url(for deployment: AppDeployment, exposure: AppDeploymentObservedExposure, port: Int? = nil)
        -> (url: String, ip: String?)?
    {
        let spec = deployment.spec
        let port = port ?? spec.port
        if let host = spec.expose.host {
            guard !exposure.ingressAddresses.isEmpty else { return nil }
            let scheme = spec.expose.tls != nil ? "https" : "http"
            let path = spec.expose.path == "/" ? "" : spec.expose.path
            return ("\(scheme)://\(host)\(path)", exposure.ingressAddresses.lazy.compactMap(\.ip).first)
        }
        if spec.expose.serviceType == .loadBalancer {
            guard let first = exposure.serviceAddresses.first, let where_ = first.ip ?? first.hostname else { return nil }
            return ("http://\(where_):\(port)", exposure.serviceAddresses.lazy.compactMap(\.ip).first)
        }
        let name = deployment.metadata.name ?? ""
        let namespace = deployment.metadata.namespace ?? "default"
        return ("http://\(name).\(namespace).svc:\(port)", nil)
    }

    /// What `Provisioning` waits for, in words; empty when nothing.
    static func provisioningWaits(_ input: AppDeploymentStatusInput) -> [String] {
        let spec = input.deployment.spec
        let name = input.deployment.metadata.name ?? ""
        var out: [String] = []
        if spec.database != nil, input.database?.ready != true { out.append("the database Resource \(name)-db") }
        if let binding = spec.ipfs, input.ipfs != .ready { out.append("the IPFSCluster \(binding.cluster)") }
        if spec.volume != nil, !input.volumeClaimExists { out.append("the PersistentVolumeClaim \(name)-data") }
        return out
    }

    /// `a/b replicas available`.
    static func replicaCounts(_ rollout: AppDeploymentObservedRollout?) -> String {
        guard let rollout else { return "no Deployment yet" }
        return "\(rollout.availableReplicas)/\(rollout.desiredReplicas) replicas available"
    }

    /// `status.source`, `analysis` and `build` from the source plan (kept as stored without one,
    /// as when a problem stopped the reconciler). A failed step without a commit (the first
    /// analysis) leaves `status.build` as it was: the `Built` condition says why.
    static func applySource(_ plan: AppDeploymentSourcePlan?, to status: inout AppDeploymentStatus) {
        guard let plan, plan.problem == nil else { return }
        if let source = plan.source {
            status.source = AppDeploymentStatus.SourceStatus(
                url: source.url, ref: source.ref, commit: source.commit, polledAt: source.polledAt)
            status.analysis = plan.analysis
        }
        if let build = plan.build, let commit = build.commit, let image = build.image, let namespace = build.namespace,
            let job = build.job, let phase = build.phase
        {
            status.build = AppDeploymentStatus.BuildStatus(
                commit: commit, image: image, digest: build.digest, namespace: namespace, job: job,
                phase: AppDeploymentStatus.BuildStatus.Phase(rawValue: phase.rawValue) ?? .pending,
                startTime: build.startTime, completionTime: build.completionTime,
                reason: build.reason.flatMap(AppDeploymentStatus.BuildStatus.Reason.init(rawValue:)),
                message: build.message.map { String($0.prefix(AppDeploymentStatus.BuildStatus.maxMessageLength)) })
        }
    }
}
