import Foundation
import KubeCore
import KubeRuntime

/// Observation → `status` of a PostgresInstance, as a pure function.
///
/// - `targetPrimary`: the pod the operator wants as primary (``PostgresInstanceDesiredObjects``'s,
///   the lowest serial when none was set). `currentPrimary`: the target once its instance manager
///   reports role `primary`; until then the previous value.
/// - `postgresVersion`: the major the primary reports, else the previous value, else the spec's
///   once a pod exists.
/// - Phase: `Failed` (a problem), `Suspended`, `Pending` (no pod yet), `Ready` (as many pods as
///   `spec.instances`, the current primary reports ready, and every other instance reports
///   ready and streaming), `Degraded` (was Ready, all pods exist, not every instance reports
///   ready), `Provisioning` otherwise.
/// - Conditions, each with `observedGeneration`: `Ready`, `Reconciling`, `Stalled`, and
///   `PodDisruptionBudget` (False, reason `NotServed`, only when more than one instance should
///   run and the server does not serve `policy/v1`).
///   `SecretCopies` (False, reason `CopyConflict`, only while a namespace that accepts the app
///   Secret's copy holds another Secret of its name, left alone).
/// - `instancesStatus`: one entry per pod, role and replication figures from its report (role
///   `unknown` without one); `readyInstances` counts reports that say ready.
/// - `endpoints`: `rw`/`ro` (and `pooler` when enabled) as `<svc>.<ns>.svc:5432`, and `uri`
///   (`postgresql://<owner>@<rw>/<database>`, no password).
public enum PostgresInstanceStatusComputation {
    public static let readyCondition = StatusTransition.readyType
    public static let reconcilingCondition = "Reconciling"
    public static let stalledCondition = StatusTransition.stalledType
    public static let podDisruptionBudgetCondition = "PodDisruptionBudget"
    public static let secretCopiesCondition = "SecretCopies"

    public static func compute(
        instance: PostgresInstance, observation: PostgresInstanceObservation, targetPrimary: String?, now: Date = Date()
    ) -> PostgresInstanceStatus {
        let spec = instance.spec
        let previous = instance.status
        let generation = instance.metadata.generation
        let name = instance.metadata.name ?? ""
        let namespace = instance.metadata.namespace ?? ""
        let names = PostgresInstanceNames(instance: name)
        let reports = observation.reports
        let pods = observation.pods.filter { !$0.deleting }

        let target = targetPrimary ?? previous?.targetPrimary
        var currentPrimary = previous?.currentPrimary
        if let target, reports[target]?.podRole == .primary { currentPrimary = target }
        // The confirmed primary reports something else and another instance reports primary.
        if let current = currentPrimary, let report = reports[current], report.podRole != .primary,
            let reporting = reports.filter({ $0.value.podRole == .primary }).keys.sorted().first
        {
            currentPrimary = reporting
        }

        var version = previous?.postgresVersion
        if let primary = currentPrimary, let reported = reports[primary]?.postgresVersion { version = reported }
        if version == nil, !observation.pods.isEmpty { version = spec.postgresVersion }
        if !observation.problems.isEmpty { version = previous?.postgresVersion ?? version }

        let primaryReady = currentPrimary.flatMap { reports[$0] }.map { $0.ready && $0.podRole == .primary } ?? false
        let replicasStreaming = pods.filter { $0.name != currentPrimary }.allSatisfy { pod in
            guard let r = reports[pod.name] else { return false }
            return r.ready && r.streaming && r.podRole == .replica
        }
        let readyCount = pods.filter { reports[$0.name]?.ready == true }.count
        let allPods = pods.count == spec.instances
        let isReady = allPods && primaryReady && replicasStreaming
        let wasReady = previous?.phase == .ready || previous?.phase == .degraded
        let suspended = spec.suspended || observation.suspendedByTenant != nil

        let phase: PostgresInstanceStatus.Phase
        if !observation.problems.isEmpty {
            phase = .failed
        } else if suspended {
            phase = .suspended
        } else if observation.pods.isEmpty {
            phase = .pending
        } else if isReady {
            phase = .ready
        } else if allPods && wasReady {
            phase = .degraded
        } else {
            phase = .provisioning
        }

        var conditions = previous?.conditions ?? []
        func set(_ type: String, _ status: Condition.Status, _ reason: String, _ message: String) {
            conditions.set(
                Condition(type: type, status: status, observedGeneration: generation, reason: reason, message: message),
                now: now)
        }
        let progress = "\(readyCount)/\(spec.instances) instances ready, primary \(currentPrimary ?? "not confirmed yet")"
        switch phase {
        case .failed:
            let first = observation.problems[0]
            let message = observation.problems.map(\.message).joined(separator: "; ")
            set(readyCondition, .false, first.reason.rawValue, message)
            set(reconcilingCondition, .false, "Stalled", "a problem stops the reconciler; nothing is created or changed")
            set(stalledCondition, .true, first.reason.rawValue, message)
        case .suspended:
            var reason = "Suspended", why = "suspended"
            if let tenant = observation.suspendedByTenant {
                reason = "TenantSuspended"
                why = "tenant \(tenant) is suspended"
            }
            set(readyCondition, .false, reason, "\(why): no instance runs, volumes and Secrets kept")
            set(
                reconcilingCondition, observation.pods.isEmpty ? .false : .true,
                observation.pods.isEmpty ? reason : "Suspending",
                observation.pods.isEmpty ? "no instance runs while \(why)" : "deleting \(observation.pods.count) pods")
        case .pending:
            set(readyCondition, .false, "Pending", "no instance exists yet")
            set(reconcilingCondition, .true, "Creating", "creating the instances")
        case .ready:
            set(readyCondition, .true, "InstancesReady", "the primary accepts connections and every replica streams")
            set(reconcilingCondition, .false, "InstancesReady", progress)
        case .degraded:
            set(readyCondition, .false, "InstancesNotReady", progress)
            set(reconcilingCondition, .true, "InstancesNotReady", progress)
        case .provisioning, .recovering:
            set(readyCondition, .false, "Provisioning", progress)
            set(reconcilingCondition, .true, "Provisioning", progress)
        case .failingOver, .switchingOver:
            break  // Set by withFailover(_:planned:reports:diskPressure:generation:now:), never here.
        }
        if phase != .failed { set(stalledCondition, .false, "NoProblems", "no problem stops the reconciler") }
        if !observation.podDisruptionBudgetServed && spec.instances > 1 && !suspended {
            set(
                podDisruptionBudgetCondition, .false, "NotServed",
                "the API server does not serve policy/v1, so no PodDisruptionBudget protects the primary")
        } else {
            conditions.remove(type: podDisruptionBudgetCondition)
        }
        if observation.secretCopyConflicts.isEmpty {
            conditions.remove(type: secretCopiesCondition)
        } else {
            set(
                secretCopiesCondition, .false, "CopyConflict",
                "Secret \(names.appSecret) exists in \(observation.secretCopyConflicts.sorted().joined(separator: ", ")) "
                    + "and is not a copy of this instance; it is left alone")
        }

        let instancesStatus = observation.pods.map { pod -> PostgresInstanceStatus.InstanceStatus in
            let report = reports[pod.name]
            return PostgresInstanceStatus.InstanceStatus(
                name: pod.name, role: report?.podRole.flatMap { PostgresInstanceStatus.InstanceStatus.Role(rawValue: $0.rawValue) } ?? .unknown,
                ready: report?.ready ?? false,
                podIP: pod.podIP, timeline: report?.timeline, lsn: report?.lsn ?? report?.replayLsn,
                replicationLagBytes: report?.replicationLagBytes, pendingRestart: report?.pendingRestart)
        }
        let svc = { (service: String) in "\(names.serviceHost(service, namespace: namespace)):\(PostgresInstanceDesiredState.postgresPort)" }

        var status = PostgresInstanceStatus()
        status.observedGeneration = generation
        status.phase = phase
        status.instances = observation.pods.count
        status.readyInstances = readyCount
        status.selector = LabelSelector(matchLabels: PostgresInstanceLabels.instancesSelector(instance: name)).selectorString
        status.targetPrimary = target
        status.currentPrimary = currentPrimary
        status.postgresVersion = version
        status.instancesStatus = instancesStatus
        status.endpoints = PostgresInstanceStatus.Endpoints(
            rw: svc(names.readWriteService), ro: svc(names.readOnlyService),
            pooler: spec.pooler.enabled ? svc(names.poolerService) : nil,
            uri: PostgresInstanceStatus.Endpoints.uri(owner: spec.owner, rw: svc(names.readWriteService), database: spec.database))
        status.credentialsSecretRef = observation.credentialsExist ? .init(name: names.appSecret) : nil
        status.conditions = conditions
        return status
    }
}
