import KubeCore

/// Decides which updates of a watched object are worth a reconcile.
public enum Predicates {
    /// The default for a controller's primary objects (controller-runtime's default too):
    /// `true` for any change at all, status-only changes included, that is whenever
    /// `metadata.resourceVersion` differs (and when either has none).
    ///
    /// A status someone else edited (or a stale write) is therefore rewritten by the next
    /// reconcile instead of staying wrong until an unrelated event. This cannot loop as long as
    /// reconcilers are quiet when converged: the operator's own status write comes back as one
    /// `MODIFIED` event, whose reconcile finds the status equal and writes nothing (and a write
    /// that changes nothing produces no event).
    public static func resourceVersionChanged(old: ObjectMeta, new: ObjectMeta) -> Bool {
        old.resourceVersion == nil || new.resourceVersion == nil || old.resourceVersion != new.resourceVersion
    }

    /// `true` when `metadata.generation` changed (the spec changed), or labels, annotations,
    /// finalizers or the deletion timestamp changed; status-only changes are ignored.
    ///
    /// An opt-in for controllers whose reconciles are expensive: status writes do not change
    /// the generation (for kinds with a status subresource), so status updates (the operator's
    /// own included) do not set off a reconcile, at the price of a status edited by someone
    /// else staying wrong until the next spec change or resync.
    ///
    /// Kinds without a generation (both `nil`, such as ConfigMaps) cannot tell spec from status
    /// changes: any new `resourceVersion` counts as a change.
    public static func generationOrMetadataChanged(old: ObjectMeta, new: ObjectMeta) -> Bool {
        if old.generation == nil && new.generation == nil {
            return old.resourceVersion != new.resourceVersion
        }
        return old.generation != new.generation || old.labels != new.labels
            || old.annotations != new.annotations || old.finalizers != new.finalizers
            || old.deletionTimestamp != new.deletionTimestamp
    }

    /// `true` for every update; the default for owned and watched objects.
    public static func always(old: ObjectMeta, new: ObjectMeta) -> Bool { true }

    /// The key of the controller owner of `meta` whose kind is `owner`'s (group and kind must
    /// match; the version may differ), in the owned object's namespace; `nil` when there is none.
    public static func controllerOwnerKey(of meta: ObjectMeta, owner: ResourceDescriptor) -> ObjectKey? {
        guard
            let ref = meta.ownerReferences?.first(where: {
                $0.controller == true && $0.kind == owner.kind && group(of: $0.apiVersion) == owner.group
            })
        else { return nil }
        return ObjectKey(namespace: owner.namespaced ? meta.namespace : nil, name: ref.name)
    }

    /// The group of an `apiVersion` (`""` for `v1`).
    static func group(of apiVersion: String) -> String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }
}
