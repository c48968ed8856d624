import Foundation
import KubeCore

/// What a resolved template will ask of the namespace's quota, in total.
public struct ResourceRequests: Hashable, Sendable {
    public var cpu: Quantity
    public var memory: Quantity
    public var storage: Quantity
    public var persistentVolumeClaims: Int
    public var pods: Int
    public var limitsCPU: Quantity
    public var limitsMemory: Quantity

    public init(
        cpu: Quantity, memory: Quantity, storage: Quantity, persistentVolumeClaims: Int, pods: Int,
        limitsCPU: Quantity, limitsMemory: Quantity
    ) {
        self.cpu = cpu
        self.memory = memory
        self.storage = storage
        self.persistentVolumeClaims = persistentVolumeClaims
        self.pods = pods
        self.limitsCPU = limitsCPU
        self.limitsMemory = limitsMemory
    }

    /// The needs keyed by ResourceQuota resource name, including the synonyms the API accepts
    /// (`cpu` = `requests.cpu`, `memory` = `requests.memory`, `count/pods` = `pods`, ...).
    public var quotaUsage: [String: Quantity] {
        let pvcs = Quantity(Decimal(persistentVolumeClaims))
        let podCount = Quantity(Decimal(pods))
        return [
            "requests.cpu": cpu, "cpu": cpu,
            "requests.memory": memory, "memory": memory,
            "requests.storage": storage,
            "persistentvolumeclaims": pvcs, "count/persistentvolumeclaims": pvcs,
            "pods": podCount, "count/pods": podCount,
            "limits.cpu": limitsCPU, "limits.memory": limitsMemory,
        ]
    }
}
