import Crypto
import Foundation

/// The build namespace of a tenant: `<tenant namespace>-build`, where the tenant's source
/// builds run (analyse, poll and build Jobs, their ConfigMaps and Secret copies).
///
/// It is apart from the tenant's namespace because builders need more than Pod Security
/// `restricted` allows (kaniko runs as root), and so that build pods get a quota of their own
/// and egress limited to DNS, git and registries (``TenantBuildNetworkPolicy``). The Tenant
/// controller keeps it (``TenantBuildDesiredState``); the Deployment controller finds it in
/// `Tenant.status.buildNamespace`.
public enum TenantBuildNamespace {
    /// `-build`: the suffix of every build namespace.
    public static let suffix = "-build"
    /// `builds`: the name of the ResourceQuota, LimitRange, NetworkPolicy and RoleBinding the
    /// operator keeps in a build namespace.
    public static let objectName = "builds"
    /// `quartermaster.dev/build-namespace`: `"true"` on a build namespace (and on no other).
    public static let label = "quartermaster.dev/build-namespace"

    /// The build namespace of the tenant whose namespace is `tenantNamespace`:
    /// `<tenantNamespace>-build`, or, when that is longer than 63 characters, the first 50
    /// characters, `-`, the first 6 hex digits of the SHA-256 of `tenantNamespace`, and `-build`
    /// (63 characters). Always a DNS-1123 label when `tenantNamespace` is one.
    public static func name(for tenantNamespace: String) -> String {
        let plain = tenantNamespace + suffix
        guard plain.count > 63 else { return plain }
        let digest = SHA256.hash(data: Data(tenantNamespace.utf8)).prefix(3).map { String(format: "%02x", $0) }.joined()
        return "\(tenantNamespace.prefix(50))-\(digest)\(suffix)"
    }
}
