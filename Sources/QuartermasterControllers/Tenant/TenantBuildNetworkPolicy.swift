import Foundation
import KubeCore

/// The NetworkPolicy `builds` of a build namespace (pure): it selects every pod, denies all
/// ingress, and allows only this egress:
///
/// 1. DNS: UDP and TCP 53 to any address (cluster DNS and whatever resolver it forwards to);
/// 2. TCP 22 (git over ssh) and 443 (git over https, registries) to `0.0.0.0/0` except the
///    private, link-local and shared ranges (``privateRanges``): the cluster's pods and
///    services, node addresses on private networks and cloud metadata endpoints
///    (169.254.169.254) are out of reach;
/// 3. each `spec.builds.egress` entry: its TCP ports to its CIDR (an in-cluster registry, a
///    git server on a private network), in the order given.
///
/// A NetworkPolicy speaks of addresses and ports only: it cannot name the git host or the
/// registry. Limiting egress to given host names needs an FQDN-aware policy engine (Cilium's
/// `toFQDNs`, Calico Enterprise's domain policies); port 443 to any public address is the
/// closest plain NetworkPolicy can come. IPv6 destinations are not allowed except through
/// `spec.builds.egress`. Enforcement needs a network plugin that implements NetworkPolicy.
public enum TenantBuildNetworkPolicy {
    /// 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918), 169.254.0.0/16 (link-local, cloud
    /// metadata), 100.64.0.0/10 (shared address space, used by some clusters for pods).
    public static let privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"]
    /// TCP 22 (ssh) and 443 (https).
    public static let publicPorts = [22, 443]

    /// The policy, with `metadata` (name ``TenantBuildNamespace/objectName``, namespace, labels,
    /// owner) given.
    static func policy(extra: [TenantBuildEgress], metadata: ObjectMeta) -> NetworkPolicy {
        let tcp = { (ports: [Int]) in ports.map { NetworkPolicyPort(protocol: "TCP", port: .int($0)) } }
        var egress = [
            NetworkPolicyEgressRule(
                ports: [NetworkPolicyPort(protocol: "UDP", port: 53), NetworkPolicyPort(protocol: "TCP", port: 53)]),
            NetworkPolicyEgressRule(
                to: [NetworkPolicyPeer(ipBlock: IPBlock(cidr: "0.0.0.0/0", except: privateRanges))],
                ports: tcp(publicPorts)),
        ]
        for entry in extra {
            egress.append(NetworkPolicyEgressRule(to: [NetworkPolicyPeer(ipBlock: IPBlock(cidr: entry.cidr))], ports: tcp(entry.ports)))
        }
        return NetworkPolicy(
            metadata: metadata,
            spec: NetworkPolicySpec(podSelector: LabelSelector(), egress: egress, policyTypes: ["Ingress", "Egress"]))
    }
}
