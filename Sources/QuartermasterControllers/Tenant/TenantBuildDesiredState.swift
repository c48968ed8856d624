import Foundation
import KubeCore

/// What the operator keeps in a tenant's build namespace (pure; part of ``TenantDesiredState``,
/// `nil` there when `spec.builds.enabled` is `false`).
///
/// Every object carries the labels `quartermaster.dev/tenant=<tenant>` and
/// `app.kubernetes.io/managed-by=quartermaster` and a controller owner reference to the Tenant.
/// Unlike the tenant's namespace, the build namespace itself carries that owner reference: it
/// holds only build Jobs and their inputs (no data), so it goes with the Tenant (the garbage
/// collector deletes it once the Tenant is gone) and nothing has to wait for it.
public struct TenantBuildDesiredState: Hashable, Sendable {
    /// The LimitRange's `defaultRequest` for containers that set none: cpu 250m, memory 256Mi.
    public static let defaultRequest: [String: Quantity] = ["cpu": "250m", "memory": "256Mi"]
    /// The LimitRange's `default` limits for containers that set none: cpu 1, memory 1Gi. The
    /// builder container sets its own (`spec.build.resources` of the Deployment).
    public static let defaultLimit: [String: Quantity] = ["cpu": "1", "memory": "1Gi"]

    /// ``TenantBuildNamespace/name(for:)`` of the tenant's namespace.
    public var namespaceName: String
    /// The Namespace: tenant labels, `quartermaster.dev/build-namespace=true`,
    /// `kubernetes.io/metadata.name`, the marker annotation `quartermaster.dev/tenant-uid`, and
    /// Pod Security labels: `enforce` = `spec.builds.podSecurity` (default `baseline`), `audit`
    /// and `warn` = `restricted`, all at version `latest`. Owned by the Tenant.
    public var namespace: Namespace
    /// The ResourceQuota `builds`: ``TenantBuilds/effectiveQuota``'s `hard` map.
    public var resourceQuota: ResourceQuota
    /// The LimitRange `builds`: one `Container` item with ``defaultRequest`` and
    /// ``defaultLimit`` (no maximum: the quota caps the namespace).
    public var limitRange: LimitRange
    /// The NetworkPolicy `builds` (``TenantBuildNetworkPolicy``).
    public var networkPolicy: NetworkPolicy
    /// The RoleBinding `builds`: ``TenantBuildReaderRole`` for the tenant's owners (a service
    /// account without a namespace is in the tenant's namespace, not the build namespace).
    public var roleBinding: RoleBinding

    /// The Pod Security labels of a build namespace enforcing `level`.
    public static func podSecurityLabels(_ level: TenantBuildPodSecurity) -> [String: String] {
        [
            "pod-security.kubernetes.io/enforce": level.rawValue,
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/audit-version": "latest",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": "latest",
        ]
    }

    /// The objects for a tenant named `tenant`, owned through `owner`, whose namespace is
    /// `tenantNamespace`; the settings are `builds` (validated by the caller).
    init(
        tenant: String, owner: OwnerReference, tenantNamespace: String, builds: TenantBuilds, owners: [TenantOwner]
    ) {
        let ns = TenantBuildNamespace.name(for: tenantNamespace)
        let labels = TenantLabels.common(tenant: tenant)
        let meta = ObjectMeta(
            name: TenantBuildNamespace.objectName, namespace: ns, labels: labels, ownerReferences: [owner])
        var nsLabels = labels.merging(Self.podSecurityLabels(builds.effectivePodSecurity)) { a, _ in a }
        nsLabels[TenantLabels.namespaceName] = ns
        nsLabels[TenantBuildNamespace.label] = "true"
        namespaceName = ns
        namespace = Namespace(
            metadata: ObjectMeta(
                name: ns, labels: nsLabels, annotations: [TenantLabels.tenantUID: owner.uid], ownerReferences: [owner]))
        resourceQuota = ResourceQuota(metadata: meta, spec: ResourceQuotaSpec(hard: builds.effectiveQuota.hard))
        limitRange = LimitRange(
            metadata: meta,
            spec: LimitRangeSpec(limits: [
                LimitRangeItem(type: "Container", default: Self.defaultLimit, defaultRequest: Self.defaultRequest)
            ]))
        networkPolicy = TenantBuildNetworkPolicy.policy(extra: builds.egress ?? [], metadata: meta)
        roleBinding = RoleBinding(
            metadata: meta, roleRef: RoleRef(kind: "ClusterRole", name: TenantBuildReaderRole.name),
            subjects: owners.map { $0.subject(defaultNamespace: tenantNamespace) })
    }

    /// Why `builds` cannot be turned into objects for a tenant whose namespace is
    /// `tenantNamespace`, as messages; empty when it can. Checked whether or not builds are
    /// enabled: negative quota values, egress CIDRs and ports, the repository prefix, and a build
    /// namespace name that is reserved (`operatorNamespace`).
    static func problems(_ builds: TenantBuilds, tenantNamespace: String, operatorNamespace: String?) -> [String] {
        var out = builds.quota?.negativeFields ?? []
        if let prefix = builds.repositoryPrefix, !isRepositoryPrefix(prefix) {
            out.append(
                "spec.builds.repositoryPrefix \"\(prefix.prefix(80))\" is not a registry host and repository path (such as registry.example.com/acme; no tag or digest)"
            )
        }
        let egress = builds.egress ?? []
        if egress.count > TenantBuilds.maxEgress {
            out.append("spec.builds.egress has \(egress.count) entries; at most \(TenantBuilds.maxEgress)")
        }
        for (i, entry) in egress.enumerated() {
            if !TenantBuildCIDR.isValid(entry.cidr) {
                out.append("spec.builds.egress[\(i)].cidr \"\(entry.cidr.prefix(64))\" is not an IPv4 or IPv6 CIDR")
            }
            if entry.ports.isEmpty || entry.ports.count > TenantBuildEgress.maxPorts {
                out.append("spec.builds.egress[\(i)].ports must list 1 to \(TenantBuildEgress.maxPorts) ports")
            }
            for port in entry.ports where !(1...65535).contains(port) {
                out.append("spec.builds.egress[\(i)].ports: \(port) is not a port (1-65535)")
            }
        }
        let ns = TenantBuildNamespace.name(for: tenantNamespace)
        if TenantSpecError.isReservedNamespace(ns, operatorNamespace: operatorNamespace) {
            out.append("the build namespace \(ns) is reserved; set spec.builds.enabled: false or choose another spec.namespace")
        }
        return out
    }

    /// `true` when `prefix` matches ``TenantBuilds/repositoryPrefixPattern`` and its length limit.
    static func isRepositoryPrefix(_ prefix: String) -> Bool {
        guard !prefix.isEmpty, prefix.count <= TenantBuilds.repositoryPrefixLength else { return false }
        return prefix.range(of: TenantBuilds.repositoryPrefixPattern, options: .regularExpression) != nil
    }
}
