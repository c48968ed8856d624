import Foundation
import KubeCore
import KubeRuntime

/// What the Tenant reconciler saw in the cluster, the input of `TenantStatusComputation`.
public struct TenantObservation: Hashable, Sendable {
    /// The tenant's namespace as read, or `nil` when it does not exist.
    public var namespace: Namespace?
    /// `true` when every desired object (`TenantDesiredState`) exists with the desired content.
    public var objectsApplied: Bool
    /// The `status` of the tenant's ResourceQuota, or `nil` before the quota controller filled it.
    public var quota: ResourceQuotaStatus?
    /// The `status.phase` of each Resource in the namespace (`nil` for one without status yet).
    public var resourcePhases: [ResourcePhase?]
    /// The names of the PersistentVolumeClaims in the namespace.
    public var claimNames: [String]
    /// Set when the spec could not be turned into objects.
    public var specError: TenantSpecError?
    /// A child whose name is taken by an object this Tenant does not control.
    public var conflict: ChildNameConflict?
    /// A write the API server refused (``RefusedWrite``); nothing after it was applied.
    public var refusal: RefusedWrite?
    /// While deleting: what the namespace still holds (read from the API server); it blocks the
    /// deletion unless `spec.deletionPolicy` is `DeleteData`.
    public var blockingContents: TenantNamespaceContents
    /// The tenant's build namespace as read (cache, then a direct GET when the cache does not
    /// show it as this Tenant's), or `nil` when it does not exist or was not looked at (builds
    /// disabled, or the reconcile ended before).
    public var buildNamespace: Namespace?
    /// `true` when the build namespace and every object in it (``TenantBuildDesiredState``) were
    /// applied.
    public var buildObjectsApplied: Bool = false
    /// The `status` of the build namespace's ResourceQuota `builds`, or `nil` before the quota
    /// controller filled it.
    public var buildQuota: ResourceQuotaStatus?

    public init(
        namespace: Namespace? = nil, objectsApplied: Bool = false, quota: ResourceQuotaStatus? = nil,
        resourcePhases: [ResourcePhase?] = [], claimNames: [String] = [], specError: TenantSpecError? = nil,
        blockingContents: TenantNamespaceContents = TenantNamespaceContents()
    ) {
        self.blockingContents = blockingContents
        self.namespace = namespace
        self.objectsApplied = objectsApplied
        self.quota = quota
        self.resourcePhases = resourcePhases
        self.claimNames = claimNames
        self.specError = specError
    }

    /// `true` once the quota controller has counted every resource the quota caps (`used` has
    /// each key of `hard`): until then the API server refuses creates in the namespace ("status
    /// unknown for quota"), so the tenant is not ready.
    public var quotaCounted: Bool { Self.counted(quota) }

    /// ``quotaCounted`` for the build namespace's quota: until then build Jobs' pods are refused.
    public var buildQuotaCounted: Bool { Self.counted(buildQuota) }

    static func counted(_ quota: ResourceQuotaStatus?) -> Bool {
        guard let hard = quota?.hard else { return false }
        let used = quota?.used ?? [:]
        return hard.keys.allSatisfy { used[$0] != nil }
    }

    /// `true` when the namespace exists and is not being deleted.
    public var namespaceActive: Bool { Self.isActive(namespace) }

    /// `true` when the build namespace exists and is not being deleted.
    public var buildNamespaceActive: Bool { Self.isActive(buildNamespace) }

    static func isActive(_ namespace: Namespace?) -> Bool {
        guard let namespace else { return false }
        return namespace.metadata.deletionTimestamp == nil && namespace.status?.phase != "Terminating"
    }
}
