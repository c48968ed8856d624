import Foundation
import KubeCore

/// The build namespace's ResourceQuota `builds` (`spec.hard`), `Tenant.spec.builds.quota`.
///
/// Every field is optional: `nil` in `spec.builds.quota` keeps the default (``defaults``).
/// Keys written: `cpu` → `requests.cpu`, `memory` → `requests.memory`, `pods` → `pods`,
/// `limitsCPU` → `limits.cpu`, `limitsMemory` → `limits.memory`.
///
/// The defaults fit four builds at once with the builder's default resources (requests 500m and
/// 1Gi, limits 2 and 4Gi): a fifth waits for a pod to finish. Because `limits.*` are capped,
/// every container needs limits; the build namespace's LimitRange gives those that set none.
///
/// Schema: object; description "Quota of the build namespace; each field overrides the
/// default." `cpu`, `memory`, `limitsCPU`, `limitsMemory`: int-or-string quantities; `pods`:
/// integer 0...1000.
public struct TenantBuildQuota: Codable, Hashable, Sendable {
    /// Description: "Total CPU requests of build pods (requests.cpu). Default 4."
    public var cpu: Quantity?
    /// Description: "Total memory requests of build pods (requests.memory). Default 8Gi."
    public var memory: Quantity?
    /// Description: "Number of pods in the build namespace, finished ones not counted (pods). Default 4."
    public var pods: Int?
    /// Description: "Total CPU limits of build pods (limits.cpu). Default 8."
    public var limitsCPU: Quantity?
    /// Description: "Total memory limits of build pods (limits.memory). Default 16Gi."
    public var limitsMemory: Quantity?

    public init(
        cpu: Quantity? = nil, memory: Quantity? = nil, pods: Int? = nil, limitsCPU: Quantity? = nil,
        limitsMemory: Quantity? = nil
    ) {
        self.cpu = cpu
        self.memory = memory
        self.pods = pods
        self.limitsCPU = limitsCPU
        self.limitsMemory = limitsMemory
    }

    /// cpu 4, memory 8Gi, pods 4, limitsCPU 8, limitsMemory 16Gi.
    public static let defaults = TenantBuildQuota(
        cpu: "4", memory: "8Gi", pods: 4, limitsCPU: "8", limitsMemory: "16Gi")

    /// Most `pods`. 1000.
    public static let maxPods = 1000

    /// This quota with every field `other` sets replaced by `other`'s value.
    public func overridden(by other: TenantBuildQuota?) -> TenantBuildQuota {
        guard let other else { return self }
        return TenantBuildQuota(
            cpu: other.cpu ?? cpu, memory: other.memory ?? memory, pods: other.pods ?? pods,
            limitsCPU: other.limitsCPU ?? limitsCPU, limitsMemory: other.limitsMemory ?? limitsMemory)
    }

    /// The ResourceQuota `spec.hard` map: one key per field that is set.
    public var hard: [String: Quantity] {
        var h: [String: Quantity] = [:]
        h[TenantQuota.Key.requestsCPU] = cpu
        h[TenantQuota.Key.requestsMemory] = memory
        h["pods"] = pods.map { Quantity(Decimal($0)) }
        h[TenantQuota.Key.limitsCPU] = limitsCPU
        h[TenantQuota.Key.limitsMemory] = limitsMemory
        return h
    }

    /// Messages for every negative value (field paths under `spec.builds.quota`); empty when none.
    var negativeFields: [String] {
        var out: [String] = []
        for (field, value) in [("cpu", cpu), ("memory", memory), ("limitsCPU", limitsCPU), ("limitsMemory", limitsMemory)]
        where (value.map { $0.value < 0 } ?? false) {
            out.append("spec.builds.quota.\(field) must not be negative")
        }
        if let pods, pods < 0 { out.append("spec.builds.quota.pods must not be negative") }
        return out
    }
}
