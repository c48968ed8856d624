import Foundation
import KubeCore

/// CPU and memory, each optional.
///
/// Schema: object with `cpu` and `memory`, both int-or-string quantities.
public struct TenantCPUMemory: Codable, Hashable, Sendable {
    /// Description: "CPU, e.g. 500m or 2."
    public var cpu: Quantity?
    /// Description: "Memory, e.g. 512Mi."
    public var memory: Quantity?

    public init(cpu: Quantity? = nil, memory: Quantity? = nil) {
        self.cpu = cpu
        self.memory = memory
    }

    /// This value with every field `other` sets replaced by `other`'s value.
    public func overridden(by other: TenantCPUMemory?) -> TenantCPUMemory {
        guard let other else { return self }
        return TenantCPUMemory(cpu: other.cpu ?? cpu, memory: other.memory ?? memory)
    }

    /// `["cpu": ..., "memory": ...]` with only the fields that are set; `nil` when neither is.
    public var resourceMap: [String: Quantity]? {
        var m: [String: Quantity] = [:]
        m["cpu"] = cpu
        m["memory"] = memory
        return m.isEmpty ? nil : m
    }
}

/// Per-container defaults and maxima, written into the tenant's LimitRange as one
/// `type: Container` item.
///
/// Schema: object; description "Per-container default requests, default limits and maxima;
/// each field overrides the tier's."
///
/// Tier presets (`defaultRequest` / `defaultLimit` / `max`, CPU and memory):
///
/// | tier | defaultRequest | defaultLimit | max |
/// | --- | --- | --- | --- |
/// | free | 100m, 128Mi | 500m, 512Mi | 1, 2Gi |
/// | basic | 100m, 128Mi | 1, 1Gi | 4, 8Gi |
/// | pro | 250m, 256Mi | 2, 2Gi | 16, 32Gi |
/// | enterprise | 250m, 256Mi | 2, 2Gi | none |
///
/// The API server requires `defaultRequest <= defaultLimit <= max` for each resource;
/// `TenantDesiredState` checks that after merging.
public struct TenantContainerLimits: Codable, Hashable, Sendable {
    /// Description: "Requests given to containers that set none."
    public var defaultRequest: TenantCPUMemory?
    /// Description: "Limits given to containers that set none."
    public var defaultLimit: TenantCPUMemory?
    /// Description: "Largest limit (and request) one container may have."
    public var max: TenantCPUMemory?

    public init(defaultRequest: TenantCPUMemory? = nil, defaultLimit: TenantCPUMemory? = nil, max: TenantCPUMemory? = nil) {
        self.defaultRequest = defaultRequest
        self.defaultLimit = defaultLimit
        self.max = max
    }

    /// This value with every field `other` sets replaced by `other`'s value, resource by
    /// resource (`limits.max.cpu` alone keeps the tier's `max.memory`).
    public func overridden(by other: TenantContainerLimits?) -> TenantContainerLimits {
        guard let other else { return self }
        func merge(_ a: TenantCPUMemory?, _ b: TenantCPUMemory?) -> TenantCPUMemory? {
            guard let b else { return a }
            return (a ?? TenantCPUMemory()).overridden(by: b)
        }
        return TenantContainerLimits(
            defaultRequest: merge(defaultRequest, other.defaultRequest),
            defaultLimit: merge(defaultLimit, other.defaultLimit),
            max: merge(max, other.max))
    }

    /// The LimitRange item (`type: Container`).
    public var limitRangeItem: LimitRangeItem {
        LimitRangeItem(
            type: "Container", max: max?.resourceMap, default: defaultLimit?.resourceMap,
            defaultRequest: defaultRequest?.resourceMap)
    }

    /// Messages for every resource where `defaultRequest <= defaultLimit <= max` does not
    /// hold (the API server would reject the LimitRange); empty when consistent.
    public var inconsistencies: [String] {
        var out: [String] = []
        for (name, path) in [("cpu", \TenantCPUMemory.cpu), ("memory", \TenantCPUMemory.memory)] {
            let request = defaultRequest?[keyPath: path]
            let limit = defaultLimit?[keyPath: path]
            let maximum = max?[keyPath: path]
            if let request, let limit, request > limit {
                out.append("limits.defaultRequest.\(name) \(request) exceeds limits.defaultLimit.\(name) \(limit)")
            }
            if let limit, let maximum, limit > maximum {
                out.append("limits.defaultLimit.\(name) \(limit) exceeds limits.max.\(name) \(maximum)")
            }
            if let request, let maximum, request > maximum {
                out.append("limits.defaultRequest.\(name) \(request) exceeds limits.max.\(name) \(maximum)")
            }
        }
        return out
    }
}
