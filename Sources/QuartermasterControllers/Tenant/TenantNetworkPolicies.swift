import Foundation
import KubeCore

/// The NetworkPolicies of a tenant's namespace.
///
/// Only ingress is isolated; egress stays open so workloads keep reaching registries, object
/// stores and IPFS peers:
///
/// - `quartermaster-allow-same-namespace` (not when suspended): selects every pod and allows
///   ingress from pods of the same namespace. Because it selects every pod, ingress from any
///   other namespace is denied unless another policy allows it.
/// - `quartermaster-allow-from-configured` (only with `spec.network.allowFrom`, not when
///   suspended): ingress from the listed namespaces. Names are matched with one
///   `kubernetes.io/metadata.name In (...)` expression; selectors are used as given.
/// - `quartermaster-allow-egress`: egress to DNS (UDP and TCP 53) in `kube-system`, plus all
///   other egress. The DNS rule is explicit so that tightening egress later (dropping the
///   allow-all rule) keeps name resolution working; it selects `kube-system` by its
///   `kubernetes.io/metadata.name` label, which v1.20 does not set by itself (label
///   `kube-system` before dropping the allow-all rule there).
/// - `quartermaster-suspended-deny-ingress` (only when suspended): selects every pod and
///   allows no ingress. NetworkPolicies only add allowances, so the two allow policies above
///   are left out of the desired set while suspended and the reconciler deletes them.
public enum TenantNetworkPolicies {
    public static let allowSameNamespace = "quartermaster-allow-same-namespace"
    public static let allowFromConfigured = "quartermaster-allow-from-configured"
    public static let allowEgress = "quartermaster-allow-egress"
    public static let suspendedDenyIngress = "quartermaster-suspended-deny-ingress"

    /// Every name the operator may create; those not in the desired set are to be deleted.
    public static let allNames = [allowSameNamespace, allowFromConfigured, allowEgress, suspendedDenyIngress]

    /// The policies for `namespace`, each with `metadata` (name, namespace, labels, owner).
    static func policies(
        namespace: String, allowFrom: [TenantNetworkPeer], suspended: Bool, metadata: (String) -> ObjectMeta
    ) -> [NetworkPolicy] {
        var out: [NetworkPolicy] = []
        if suspended {
            out.append(
                NetworkPolicy(
                    metadata: metadata(suspendedDenyIngress),
                    spec: NetworkPolicySpec(podSelector: LabelSelector(), ingress: [], policyTypes: ["Ingress"])))
        } else {
            out.append(
                NetworkPolicy(
                    metadata: metadata(allowSameNamespace),
                    spec: NetworkPolicySpec(
                        podSelector: LabelSelector(),
                        ingress: [NetworkPolicyIngressRule(from: [NetworkPolicyPeer(podSelector: LabelSelector())])],
                        policyTypes: ["Ingress"])))
            let peers = Self.peers(allowFrom)
            if !peers.isEmpty {
                out.append(
                    NetworkPolicy(
                        metadata: metadata(allowFromConfigured),
                        spec: NetworkPolicySpec(
                            podSelector: LabelSelector(), ingress: [NetworkPolicyIngressRule(from: peers)],
                            policyTypes: ["Ingress"])))
            }
        }
        let kubeSystem = NetworkPolicyPeer(
            namespaceSelector: LabelSelector(matchLabels: [TenantLabels.namespaceName: "kube-system"]))
        out.append(
            NetworkPolicy(
                metadata: metadata(allowEgress),
                spec: NetworkPolicySpec(
                    podSelector: LabelSelector(),
                    egress: [
                        NetworkPolicyEgressRule(
                            to: [kubeSystem],
                            ports: [NetworkPolicyPort(protocol: "UDP", port: 53), NetworkPolicyPort(protocol: "TCP", port: 53)]),
                        NetworkPolicyEgressRule(),
                    ],
                    policyTypes: ["Egress"])))
        return out
    }

    /// One peer for all named namespaces (sorted, deduplicated), then one per selector.
    static func peers(_ allowFrom: [TenantNetworkPeer]) -> [NetworkPolicyPeer] {
        let names = Array(Set(allowFrom.compactMap(\.namespace))).sorted()
        var peers: [NetworkPolicyPeer] = []
        if !names.isEmpty {
            peers.append(
                NetworkPolicyPeer(
                    namespaceSelector: LabelSelector(matchExpressions: [
                        LabelSelector.Requirement(key: TenantLabels.namespaceName, operator: .in, values: names)
                    ])))
        }
        for p in allowFrom where p.namespace == nil {
            if let s = p.namespaceSelector { peers.append(NetworkPolicyPeer(namespaceSelector: s)) }
        }
        return peers
    }
}
