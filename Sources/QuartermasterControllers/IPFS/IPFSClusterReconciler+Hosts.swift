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
        for (name, ingress) in observed.ingresses.sorted(by: { $0.key < $1.key })
        where (ingress.spec?.rules ?? []).contains(where: { $0.host.map(lost.contains) ?? false })
            && ingress.metadata.isControlled(byUID: holder.uid) && ingress.metadata.deletionTimestamp == nil
        {
            do {
                try await client.delete(Ingress.self, name: name, namespace: cluster.metadata.namespace)
                logger.info("deleted an Ingress for a host another object holds", metadata: ["object": "\(name)"])
            } catch KubeAPIError.notFound {}
        }
        return outcome.conflicts.sorted { $0.key < $1.key }.map { host, other in
            IPFSClusterValidation.hostConflict(
                host: host, fields: cluster.spec.fields(asking: host), holder: other,
                namespace: cluster.metadata.namespace)
        }
    }

    /// `true` while `cluster` asks for a host or the cache shows it holding one: it then
    /// carries ``hostClaimsFinalizer``, so its claims are released when it is deleted.
    func needsHostClaimsFinalizer(_ cluster: IPFSCluster) -> Bool {
        if !cluster.spec.claimedHosts.isEmpty { return true }
        guard let uid = cluster.metadata.uid, !uid.isEmpty else { return false }
        return caches.hostClaims.list(namespace: hostClaims.namespace).contains {
            $0.metadata.labels?[HostClaim.holderUIDLabel] == uid
        }
    }
}
