import Foundation
import KubeCore
import KubeRuntime

/// Turns what the reconciler observed (``ResourceObservation``) into a Resource's stages,
/// progress, phase and conditions (pure).
///
/// Stages are evaluated in order; a stage is looked at only when every earlier stage is
/// `Done`, later ones stay `Pending`:
///
/// 1. Initialising — `Done` when the template resolves; `Failed` (reason `UnknownTemplate`
///    or `InvalidParameters`) otherwise.
/// 2. Allocating — `Failed` (reason `ReservedName`) when the Resource's name is reserved for
///    the operator's objects; `Failed` (reason `PolicyViolation`, message listing every
///    violation) when the child's desired spec breaks the Tenant's policy; otherwise `Done` when the child's name is free (or the child is this Resource's),
///    the quota check fits (or the child already exists) and the namespace is ready; `Failed`
///    (reason `NameConflict`, message ``ChildNameConflict/description``, naming the object and
///    its owner) when an object this Resource does not control has the child's name; `Failed`
///    (reason `QuotaExceeded`, message with the numbers) when the needs exceed the headroom;
///    `InProgress` while waiting for either.
/// 3. Configuring — `Done` once secrets and configuration exist.
/// 4. Provisioning — `Done` once the child is applied; `Failed` when the API server refused
///    its write (``RefusedWrite``: reason `Forbidden`, `QuotaExceeded`, `RequestTooLarge`,
///    `Invalid`, `BadRequest` or `Refused`, message naming the object with the server's message).
/// 5. Verifying — `Done` when the child is ready; `Failed` when it reports failure, reason
///    `WorkloadFailed`, or the child's own `Stalled` reason when it is one the Resource's owner
///    must act on (``childReasonsShown``) or one of a refusal's (`QuotaExceeded` when its pods
///    exceed the quota); `Pending` while suspended.
/// 6. Complete — `Done` when ready and the endpoint is published; `Pending` while suspended.
///
/// Timestamps: a stage gets `startedAt = now` when it leaves `Pending` or goes back to
/// `InProgress` after finishing, and `finishedAt = now` when it becomes `Done` or `Failed`;
/// both are kept unchanged while its state does not change, and cleared when it is `Pending`.
///
/// Progress is the percentage of the furthest stage that is not `Pending` (0 when none).
///
/// Phase: `Deleting` when deleting; else `Failed` when a stage failed; else `Suspended` when
/// suspended; else `Ready` when Complete is done; else `Degraded` when the previous phase
/// was `Ready` or `Degraded` and the child exists; else `Pending` while stage 1 or 2 is the
/// current one; else `Provisioning`.
///
/// Conditions (with `observedGeneration`, transition times kept via `[Condition].set`):
/// `Ready` is `True` only in phase `Ready`; `Stalled` is `True` only in phase `Failed`, with
/// the failure's reason; `Reconciling` is `True` in `Pending`, `Provisioning`, `Degraded`
/// and `Deleting`, with the current stage as reason.
public enum ResourceStatusComputation {
    /// The `Stalled` reasons of a child that a Resource shows as its own (instead of
    /// `WorkloadFailed`): the owner fixes them in the Resource's parameters, not in the
    /// workload. `HostConflict` (another object holds the host), `HostRequired`, `InvalidHost`.
    public static let childReasonsShown: Set<String> = ["HostConflict", "HostRequired", "InvalidHost"]

    /// `Suspended`: the reason of every condition of a suspended Resource; no other phase has a
    /// `Ready` condition with this reason (stage names, failure reasons, `Ready`, `Degraded`
    /// and `Deleting` are the others), so Events can tell suspension from the conditions.
    static let suspendedReason = "Suspended"

    /// The status after `observation`: `previous` (may be `nil`) with `observedGeneration`,
    /// `phase`, `progress`, `progressText`, `stages` and `conditions` replaced, and
    /// `templateVersion` set when the template resolves (kept otherwise). `endpoint`,
    /// `credentialsSecretRef` and `childRef` are kept from `previous` for the reconciler to set.
    public static func compute(
        observation: ResourceObservation, previous: ResourceStatus?, generation: Int64?, now: Date
    ) -> ResourceStatus {
        let evaluated = stageStates(observation)
        let old = Dictionary((previous?.stages ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let stamp = APITimestamp.time(now)
        let stages = evaluated.map { name, state, message in
            timed(ResourceStage(name: name, state: state, message: message), previous: old[name], now: stamp)
        }
        let progress = stages.filter { $0.state != .pending }.map(\.name.percent).max() ?? 0
        let failed = stages.first { $0.state == .failed }
        let current = stages.first { $0.state != .done }

        let phase: ResourcePhase
        if observation.deleting {
            phase = .deleting
        } else if failed != nil {
            phase = .failed
        } else if observation.suspended {
            phase = .suspended
        } else if current == nil {
            phase = .ready
        } else if observation.childApplied, previous?.phase == .ready || previous?.phase == .degraded {
            phase = .degraded
        } else if let c = current, c.name == .initialising || c.name == .allocating {
            phase = .pending
        } else {
            phase = .provisioning
        }

        var status = previous ?? ResourceStatus()
        status.observedGeneration = generation
        status.phase = phase
        status.progress = progress
        status.progressText = ResourceStatus.progressText(progress)
        status.stages = stages
        if case .success(let t) = observation.template { status.templateVersion = t.template.versionedName }
        var conditions = status.conditions ?? []
        for c in self.conditions(phase: phase, failed: failed, current: current, observation: observation) {
            var c = c
            c.observedGeneration = generation
            conditions.set(c, now: now)
        }
        status.conditions = conditions
        return status
    }

    /// Each stage's state and message from the observation alone.
    static func stageStates(_ f: ResourceObservation) -> [(ResourceStageName, ResourceStageState, String?)] {
        var out: [(ResourceStageName, ResourceStageState, String?)] = []
        var blocked = false
        func add(_ name: ResourceStageName, _ state: ResourceStageState, _ message: String?) {
            if blocked {
                out.append((name, .pending, nil))
            } else {
                out.append((name, state, message))
                if state != .done { blocked = true }
            }
        }
        switch f.template {
        case .success(let t):
            add(.initialising, .done, "request accepted, template \(t.template.versionedName) resolved")
        case .failure(let e):
            add(.initialising, .failed, e.description)
        }
        if let reserved = f.reservedName {
            add(.allocating, .failed, reserved)
        } else if !f.policyViolations.isEmpty {
            add(.allocating, .failed, "the tenant's policy refuses it: " + TenantPolicyViolation.summary(f.policyViolations))
        } else if let conflict = f.conflict {
            add(.allocating, .failed, conflict.description)
        } else if !f.childApplied, case .exceeded = f.quota {
            add(.allocating, .failed, "quota exceeded: " + (f.quota?.message ?? ""))
        } else if !f.childApplied, f.quota != .fits {
            add(.allocating, .inProgress, f.quota?.message ?? "checking quota headroom")
        } else if !f.namespaceReady {
            add(.allocating, .inProgress, "waiting for the namespace to be ready")
        } else {
            add(.allocating, .done, "quota headroom checked, namespace ready")
        }
        add(
            .configuring, f.configGenerated ? .done : .inProgress,
            f.configGenerated ? "secrets and configuration generated" : "generating secrets and configuration")
        if let refusal = f.refusal {
            add(.provisioning, .failed, refusal.description)
        } else {
            add(
                .provisioning, f.childApplied ? .done : .inProgress,
                f.childApplied ? "workloads applied" : "applying workloads")
        }
        if let failure = f.childFailure {
            add(.verifying, .failed, "workloads failed: \(failure)")
        } else if f.suspended {
            add(.verifying, .pending, "suspended: workloads scaled to zero, data kept")
        } else if f.childReady {
            add(.verifying, .done, "workloads ready")
        } else {
            add(.verifying, .inProgress, "waiting for workloads to become ready" + (f.childProgress.map { ": \($0)" } ?? ""))
        }
        add(
            .complete, f.endpointPublished ? .done : .inProgress,
            f.endpointPublished ? "ready; endpoint and credentials published" : "publishing endpoint and credentials")
        return out
    }

    /// Applies the timestamp rules, given the same stage's previous entry.
    static func timed(_ stage: ResourceStage, previous: ResourceStage?, now: String) -> ResourceStage {
        var s = stage
        let prev = previous?.state ?? .pending
        switch s.state {
        case .pending:
            s.startedAt = nil
            s.finishedAt = nil
        case .inProgress:
            s.startedAt = prev == .inProgress ? (previous?.startedAt ?? now) : now
            s.finishedAt = nil
        case .done, .failed:
            if prev == s.state {
                s.startedAt = previous?.startedAt ?? now
                s.finishedAt = previous?.finishedAt ?? now
            } else {
                s.startedAt = prev == .pending ? now : (previous?.startedAt ?? now)
                s.finishedAt = now
            }
        }
        return s
    }

    static func conditions(
        phase: ResourcePhase, failed: ResourceStage?, current: ResourceStage?, observation: ResourceObservation
    ) -> [Condition] {
        let failureReason: String? = failed.map { stage in
            switch stage.name {
            case .initialising:
                if case .failure(let e) = observation.template { return e.reason }
                return "InvalidTemplate"
            case .allocating:
                if observation.reservedName != nil { return "ReservedName" }
                if !observation.policyViolations.isEmpty { return "PolicyViolation" }
                return observation.conflict == nil ? "QuotaExceeded" : "NameConflict"
            case .provisioning: return observation.refusal?.reason.rawValue ?? "WorkloadFailed"
            default:
                // A child whose reason its owner must act on, refused by the API server or
                // stalled on quota says why; the Resource says the same.
                if let reason = observation.childFailureReason,
                    childReasonsShown.contains(reason) || RefusedWrite.Reason(rawValue: reason) != nil
                {
                    return reason
                }
                return "WorkloadFailed"
            }
        }
        let currentMessage = current?.message
        switch phase {
        case .ready:
            return [
                Condition(type: "Ready", status: .true, reason: "Ready", message: "ready; endpoint and credentials published"),
                Condition(type: "Reconciling", status: .false, reason: "Ready"),
                Condition(type: "Stalled", status: .false, reason: "Ready"),
            ]
        case .failed:
            let reason = failureReason ?? "Failed"
            return [
                Condition(type: "Ready", status: .false, reason: reason, message: failed?.message),
                Condition(type: "Reconciling", status: .false, reason: reason),
                Condition(type: "Stalled", status: .true, reason: reason, message: failed?.message),
            ]
        case .suspended:
            let message = "suspended: workloads scaled to zero, data kept"
            return [
                Condition(type: "Ready", status: .false, reason: suspendedReason, message: message),
                Condition(type: "Reconciling", status: .false, reason: suspendedReason),
                Condition(type: "Stalled", status: .false, reason: suspendedReason),
            ]
        case .deleting:
            return [
                Condition(type: "Ready", status: .false, reason: "Deleting", message: "the Resource is being deleted"),
                Condition(type: "Reconciling", status: .true, reason: "Deleting", message: "the Resource is being deleted"),
                Condition(type: "Stalled", status: .false, reason: "Deleting"),
            ]
        case .pending, .provisioning, .degraded:
            let reason = phase == .degraded ? "Degraded" : (current?.name.rawValue ?? phase.rawValue)
            return [
                Condition(type: "Ready", status: .false, reason: reason, message: currentMessage),
                Condition(type: "Reconciling", status: .true, reason: current?.name.rawValue ?? phase.rawValue, message: currentMessage),
                Condition(type: "Stalled", status: .false, reason: reason),
            ]
        }
    }
}
