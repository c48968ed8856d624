import Crypto
import Foundation
import KubeCore

/// The create-only object by which one object holds a host across the whole cluster: a
/// `coordination.k8s.io/v1` Lease in the operator's namespace, named `host-<sha256 of the
/// host, hex>`. The API server creates at most one object of a name, so of two objects asking
/// for the same host the first POST wins and the other gets `409 AlreadyExists`; no cache or
/// reconcile order can let both win.
///
/// A Lease rather than a ConfigMap: it is the API's object for "held by one holder" (its
/// `spec.holderIdentity` shows the holder in `kubectl get leases`), it carries no payload, it
/// is not cached by the controllers that cache ConfigMaps in every watched namespace, and the
/// operator already has a Role for Leases in its own namespace (leader election), so claims
/// need no cluster-wide grant. No `leaseDurationSeconds`: a claim does not expire; it is
/// released by its holder, or found stale by a claimant (its holder gone, or no longer asking
/// for the host) and deleted with a UID and resource-version precondition.
///
/// What a claim records:
/// - labels: `app.kubernetes.io/managed-by`, `part-of`, `component: host-claim` (the cache's
///   selector, ``selector``) and `quartermaster.dev/holder-uid` (the claims of one holder);
/// - annotations: `quartermaster.dev/host`, `quartermaster.dev/holder-kind`
///   (`<Kind>.<group>`), `-namespace`, `-name`;
/// - `spec.holderIdentity`: `<Kind>.<group>/<namespace>/<name>`.
public enum HostClaim {
    /// `app.kubernetes.io/component` of every claim: `host-claim`.
    public static let component = "host-claim"
    /// Label with the holder's UID.
    public static let holderUIDLabel = "quartermaster.dev/holder-uid"
    /// Annotation with the host claimed.
    public static let hostAnnotation = "quartermaster.dev/host"
    /// Annotations naming the holder.
    public static let holderKindAnnotation = "quartermaster.dev/holder-kind"
    public static let holderNamespaceAnnotation = "quartermaster.dev/holder-namespace"
    public static let holderNameAnnotation = "quartermaster.dev/holder-name"

    /// The label selector of every claim: `managed-by=quartermaster,component=host-claim`.
    public static let selector =
        "\(QuartermasterLabels.managedBySelector),\(QuartermasterLabels.componentKey)=\(component)"

    /// The selector of the claims `uid` holds.
    public static func selector(holderUID uid: String) -> String { "\(selector),\(holderUIDLabel)=\(uid)" }

    /// `host-<hex SHA-256 of the host>`: a valid object name for any host, the same for the
    /// same host whoever asks.
    public static func name(for host: HostName) -> String {
        "host-" + SHA256.hash(data: Data(host.value.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The claim `holder` creates for `host` in `namespace`.
    public static func object(host: HostName, holder: HostClaimHolder, namespace: String) -> Lease {
        Lease(
            metadata: ObjectMeta(
                name: name(for: host), namespace: namespace,
                labels: [
                    QuartermasterLabels.managedByKey: QuartermasterLabels.managedByValue,
                    QuartermasterLabels.partOfKey: QuartermasterLabels.partOfValue,
                    QuartermasterLabels.componentKey: component,
                    holderUIDLabel: holder.uid,
                ],
                annotations: [
                    hostAnnotation: host.value,
                    holderKindAnnotation: holder.qualifiedKind,
                    holderNamespaceAnnotation: holder.namespace,
                    holderNameAnnotation: holder.name,
                ]),
            spec: LeaseSpec(holderIdentity: holder.description))
    }

    /// The host `claim` records, or `nil` when it records none.
    public static func host(of claim: Lease) -> String? { claim.metadata.annotations?[hostAnnotation] }

    /// The holder `claim` records, or `nil` when any part is missing or unreadable.
    public static func holder(of claim: Lease) -> HostClaimHolder? {
        let annotations = claim.metadata.annotations ?? [:]
        guard let uid = claim.metadata.labels?[holderUIDLabel], !uid.isEmpty,
            let qualified = annotations[holderKindAnnotation], let namespace = annotations[holderNamespaceAnnotation],
            let name = annotations[holderNameAnnotation], !qualified.isEmpty, !namespace.isEmpty, !name.isEmpty
        else { return nil }
        let kind: String
        let group: String
        if let dot = qualified.firstIndex(of: ".") {
            kind = String(qualified[..<dot])
            group = String(qualified[qualified.index(after: dot)...])
        } else {
            kind = qualified
            group = ""
        }
        return HostClaimHolder(group: group, kind: kind, namespace: namespace, name: name, uid: uid)
    }

    /// `true` when `claim` is `host`'s claim held by the object with UID `uid`.
    public static func isHeld(_ claim: Lease, host: HostName, byUID uid: String) -> Bool {
        claim.metadata.name == name(for: host) && self.host(of: claim) == host.value
            && claim.metadata.labels?[holderUIDLabel] == uid && claim.metadata.deletionTimestamp == nil
    }
}
