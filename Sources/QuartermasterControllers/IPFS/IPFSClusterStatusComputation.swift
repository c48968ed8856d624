import Foundation
import KubeCore
import KubeRuntime

/// Observed objects → `status` of an IPFSCluster, as a pure function.
///
/// Phase:
/// - `Failed`: a problem stalls the reconciler.
/// - `Suspended`: `spec.suspended` is true, or the namespace's Tenant is suspended (the
///   StatefulSet is scaled, or being scaled, to zero).
/// - `Pending`: no StatefulSet yet.
/// - `Ready`: the StatefulSet has rolled out the current spec and every peer is ready.
/// - `Degraded`: the cluster was `Ready` (or `Degraded`), the current spec is rolled out, but
///   some peers are not ready.
/// - `Provisioning`: anything else (creating, scaling, rolling out a change).
///
/// "Rolled out" means: the StatefulSet controller saw its latest generation
/// (`status.observedGeneration >= metadata.generation`), `spec.replicas` is the cluster's,
/// `status.replicas` and `updatedReplicas` equal it, `currentRevision == updateRevision`, and
/// (when known) the pod template carries the desired configuration hash.
///
/// Conditions (each with `observedGeneration` = `metadata.generation`, transition times kept
/// while the status does not change): `Ready`, `Reconciling` (True while working towards the
/// spec), `Stalled` (True when a problem stops the reconciler: a spec it cannot apply, or a
/// write the API server refused), and `DisruptionBudget` (False, only when more than one peer
/// should run and the server does not serve `policy/v1`). While stalled, `Reconciling` is False
/// reason `Stalled` with what clears the first problem (``stalledMessage(for:)``).
///
/// While suspended: `Ready=False` reason `Suspended` (`TenantSuspended` when the Tenant is,
/// naming it); `Reconciling=True` reason `Suspending` while the StatefulSet still has ready
/// pods, `False` reason `Suspended` (or `TenantSuspended`) once it has none.
/// `replicas`/`readyReplicas` report the StatefulSet as observed (0 once scaled down) and
/// `peers` still lists the kept identities of all `spec.replicas` peers.
public enum IPFSClusterStatusComputation {
    public static let readyCondition = StatusTransition.readyType
    public static let reconcilingCondition = "Reconciling"
    public static let stalledCondition = StatusTransition.stalledType
    public static let disruptionBudgetCondition = "DisruptionBudget"

    /// The `Reconciling` message of a cluster stalled by a problem of `reason`: what the operator
    /// does meanwhile and what clears it. Only a problem of the spec itself asks for a change of
    /// the spec; a refused write (``RefusedWrite``) is tried again with backoff, and a quota or
    /// permission refusal clears with a change by the platform team (or, for quota and size, a
    /// smaller spec).
    public static func stalledMessage(for reason: IPFSClusterValidation.Reason) -> String {
        switch reason {
        case .invalidName, .reservedName:
            return "the cluster's name cannot be used; recreate it under another name"
        case .volumeShrinkNotAllowed, .storageChangeNotSupported, .ingressHostConflict, .hostRequired, .invalidHost,
            .invalidSpec:
            return "a problem of the spec stops the reconciler; it needs a change of the spec"
        case .policyViolation:
            return "the spec breaks its tenant's policy; a change of the spec, or of the Tenant's policy by the platform team, clears it"
        case .storageClassNotFound:
            return "a StorageClass the spec names does not exist; creating it (platform team) or a change of the spec clears it"
        case .hostConflict:
            return "another object holds a host of the spec; it clears when that object releases the host, or with another host"
        case .nameConflict:
            return "an object the cluster would write belongs to another owner; it clears once that object is deleted"
        case .invalidIdentitiesSecret:
            return "the identities Secret cannot be read and its keys are never regenerated over it; restoring the Secret clears it"
        case .forbidden:
            return "the API server refused a write for lack of permission; the operator retries with backoff, and a grant "
                + "added to the operator's roles by the platform team clears it (the spec needs no change)"
        case .quotaExceeded:
            return "a ResourceQuota of the namespace refused the cluster's objects or pods; the operator retries with "
                + "backoff (the StatefulSet controller retries its pods), and quota freed or raised by the platform team, "
                + "or a smaller spec (fewer peers, smaller requests or volumes), clears it"
        case .requestTooLarge:
            return "an object is larger than the API server accepts; the operator retries with backoff, and a smaller spec clears it"
        case .invalid, .badRequest, .refused:
            return "the API server refused a write; the operator retries with backoff, and the refusal's message says "
                + "what clears it (a change of the spec, or of the cluster's admission by the platform team)"
        }
    }

    public static func compute(
        cluster: IPFSCluster, observation: IPFSClusterObservation, now: Date = Date()
    ) -> IPFSClusterStatus {
        let spec = cluster.spec
        let generation = cluster.metadata.generation
        let name = cluster.metadata.name ?? ""
        let namespace = cluster.metadata.namespace ?? ""
        let names = IPFSClusterNames(instance: name)
        let desired = spec.replicas
        let previous = cluster.status

        let sts = observation.statefulSet
        let stsStatus = sts?.status
        let ready = stsStatus?.readyReplicas ?? 0
        let updated = stsStatus?.updatedReplicas ?? 0
        let current = stsStatus?.replicas ?? 0
        let rolledOut = sts.map { isRolledOut($0, replicas: desired, configHash: observation.desiredConfigHash) } ?? false
        let isReady = rolledOut && ready == desired
        let wasReady = previous?.phase == .ready || previous?.phase == .degraded
        let suspended = spec.suspended || observation.suspendedByTenant != nil

        let phase: IPFSClusterStatus.Phase
        if !observation.problems.isEmpty {
            phase = .failed
        } else if suspended {
            phase = .suspended
        } else if sts == nil {
            phase = .pending
        } else if isReady {
            phase = .ready
        } else if rolledOut && wasReady {
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
        let progress = "\(ready)/\(desired) peers ready, \(updated)/\(desired) updated"
        switch phase {
        case .failed:
            let first = observation.problems[0]
            let message = observation.problems.map(\.message).joined(separator: "; ")
            set(readyCondition, .false, first.reason.rawValue, message)
            set(reconcilingCondition, .false, "Stalled", stalledMessage(for: first.reason))
            set(stalledCondition, .true, first.reason.rawValue, message)
        case .pending:
            set(readyCondition, .false, "Pending", "the StatefulSet does not exist yet")
            set(reconcilingCondition, .true, "Creating", "creating the cluster's objects")
        case .ready:
            set(readyCondition, .true, "PeersReady", "all \(desired) peers are ready and run the current spec")
            set(reconcilingCondition, .false, "PeersReady", "the current spec is rolled out")
        case .degraded:
            set(readyCondition, .false, "PeersNotReady", progress)
            set(reconcilingCondition, .true, "PeersNotReady", progress)
        case .provisioning:
            set(readyCondition, .false, "RollingOut", progress)
            set(reconcilingCondition, .true, "RollingOut", progress)
        case .suspended:
            var reason = "Suspended", why = "suspended"
            if let tenant = observation.suspendedByTenant {
                reason = "TenantSuspended"
                why = "tenant \(tenant) is suspended"
            }
            set(readyCondition, .false, reason, "\(why): every peer scaled to zero, identities and volumes kept")
            if ready == 0 {
                set(reconcilingCondition, .false, reason, "no peer runs while \(why)")
            } else {
                set(reconcilingCondition, .true, "Suspending", "scaling to zero: \(ready) peers still ready")
            }
        }
        if phase != .failed { set(stalledCondition, .false, "NoProblems", "no problem stops the reconciler") }
        if !observation.podDisruptionBudgetServed && desired > 1 && !suspended {
            set(
                disruptionBudgetCondition, .false, "PolicyV1NotServed",
                "the API server does not serve policy/v1, so no PodDisruptionBudget protects the peers")
        } else {
            conditions.remove(type: disruptionBudgetCondition)
        }

        var peers: [IPFSClusterStatus.Peer]?
        if let identities = observation.identities {
            peers = (0..<min(desired, identities.count)).map {
                IPFSClusterStatus.Peer(pod: names.pod($0), peerID: identities.clusterPeerID($0).description)
            }
        }

        return IPFSClusterStatus(
            observedGeneration: generation, phase: phase, replicas: current, readyReplicas: ready,
            selector: LabelSelector(matchLabels: QuartermasterLabels.selector(name: IPFSClusterNames.appName, instance: name))
                .selectorString,
            peers: peers,
            endpoints: IPFSClusterStatus.Endpoints(
                api: endpoint(
                    spec.exposure.api, service: names.apiService, namespace: namespace, port: IPFSConfigFiles.clusterRESTPort,
                    observedService: observation.apiService, observedIngress: observation.apiIngress),
                gateway: endpoint(
                    spec.exposure.gateway, service: names.gatewayService, namespace: namespace,
                    port: IPFSConfigFiles.gatewayPort, observedService: observation.gatewayService,
                    observedIngress: observation.gatewayIngress)),
            credentialsSecretRef: observation.identities == nil ? nil : .init(name: names.secret),
            conditions: conditions)
    }

    /// `true` when `sts` runs the current spec on exactly `replicas` pods (readiness aside).
    public static func isRolledOut(_ sts: StatefulSet, replicas: Int, configHash: String?) -> Bool {
        guard let status = sts.status, let observedGeneration = status.observedGeneration else { return false }
        if let generation = sts.metadata.generation, observedGeneration < generation { return false }
        if (sts.spec?.replicas ?? 1) != replicas { return false }
        if let configHash,
            sts.spec?.template.metadata?.annotations?[IPFSClusterDesiredState.configHashAnnotation] != configHash
        {
            return false
        }
        return (status.replicas ?? 0) == replicas && (status.updatedReplicas ?? 0) == replicas
            && status.updateRevision != nil && status.currentRevision == status.updateRevision
    }

    /// The URL of one endpoint: the external address when the exposure provides one and it is
    /// known, otherwise the in-cluster Service address `http://<svc>.<ns>.svc:<port>`.
    static func endpoint(
        _ exposure: IPFSClusterSpec.HTTPExposure, service: String, namespace: String, port: Int,
        observedService: Service?, observedIngress: Ingress?
    ) -> String {
        switch exposure.type {
        case .loadBalancer:
            if let address = loadBalancerAddress(observedService?.status) { return "http://\(address):\(port)" }
        case .ingress:
            if let host = exposure.host { return "http://\(host)" }
            if let address = loadBalancerAddress(observedIngress?.status) { return "http://\(address)" }
        case .clusterIP:
            break
        }
        return "http://\(service).\(namespace).svc:\(port)"
    }

    /// The first `status.loadBalancer.ingress[].ip` or `.hostname`, IPv6 in brackets.
    static func loadBalancerAddress(_ status: JSONValue?) -> String? {
        for entry in status?.value(at: "loadBalancer", "ingress")?.arrayValue ?? [] {
            if let ip = entry["ip"]?.stringValue, !ip.isEmpty { return ip.contains(":") ? "[\(ip)]" : ip }
            if let host = entry["hostname"]?.stringValue, !host.isEmpty { return host }
        }
        return nil
    }
}
