import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Hosts: every host of an Ingress exposure is claimed cluster-wide (``HostClaims``) before
/// anything is applied.
extension IPFSClusterReconciler {
    /// Claims the hosts `cluster` asks for. Returns a `HostConflict` problem for each host
    /// another object holds (and then deletes the Ingresses this cluster controls that name
    /// such a host: they were written before the host was claimed, or the claim was lost, and
    /// the host is the holder's); empty when every host is held.
    func claimHosts(_ cluster: IPFSCluster, observed: IPFSClusterObservedObjects, logger: Logger) async throws
        -> [IPFSClusterValidation.Problem]
    {
        let hosts = cluster.spec.claimedHosts
        guard !hosts.isEmpty, let holder = HostClaimHolder(cluster) else { return [] }
        let outcome = try await hostClaims.claim(hosts, for: holder, logger: logger)
        guard !outcome.conflicts.isEmpty else { return [] }
        let lost = Set(outcome.conflicts.keys.map(\.value))
        for (_, ingress) in observed.ingresses.sorted(by: { $0.key < $1.key })
        where (ingress.spec?.rules ?? []).contains(where: { $0.host.map(lost.contains) ?? false }) {
            try await deleteIfControlled(
                ingress, uid: holder.uid, namespace: cluster.metadata.namespace, logger: logger,
                message: "deleted an Ingress for a host another object holds")
        }
        return outcome.conflicts.sorted { $0.key < $1.key }.map { host, other in
            IPFSClusterValidation.hostConflict(
                host: host, fields: cluster.spec.fields(asking: host), holder: other,
                namespace: cluster.metadata.namespace)
        }
    }

    /// Deletes the Ingresses this cluster controls for an Ingress exposure whose host is missing
    /// or invalid (`HostRequired`, `InvalidHost`): such an Ingress, written before hosts were
    /// checked, serves every host (or one nobody may claim), so it does not wait for the spec
    /// to be fixed. Everything else stays as the `Stalled` rule says.
    func deleteIngressesWithoutValidHost(_ cluster: IPFSCluster, observed: IPFSClusterObservedObjects, logger: Logger)
        async throws
    {
        guard let uid = cluster.metadata.uid, !uid.isEmpty else { return }
        let names = IPFSClusterNames(instance: cluster.metadata.name ?? "")
        let exposures = [(names.apiIngress, cluster.spec.exposure.api), (names.gatewayIngress, cluster.spec.exposure.gateway)]
        for (name, exposure) in exposures where exposure.type == .ingress {
            guard case .failure = HostName.parse(exposure.host), let ingress = observed.ingresses[name] else { continue }
            try await deleteIfControlled(
                ingress, uid: uid, namespace: cluster.metadata.namespace, logger: logger,
                message: "deleted an Ingress without a valid host")
        }
    }

    /// `true` when `cluster` must carry ``hostClaimsFinalizer``: it asks for a host, or carries
    /// it already. Once added, the finalizer stays until the cluster is deleted: removing it when
    /// a spec change drops the last host would be a guarded patch right after the cluster's own
    /// status write and claim release, from a cache that has not seen them yet, so it would lose
    /// that race nearly every time; kept, it costs one list of the cluster's (by then no) claims
    /// on deletion.
    func needsHostClaimsFinalizer(_ cluster: IPFSCluster) -> Bool {
        !cluster.spec.claimedHosts.isEmpty
            || cluster.metadata.finalizers?.contains(Self.hostClaimsFinalizer) == true
    }
}
