import Foundation

/// Compute resources of a container, or storage of a claim: `limits` and `requests` keyed by
/// resource name (`cpu`, `memory`, `storage`, `ephemeral-storage`, ...).
public struct ResourceRequirements: Codable, Hashable, Sendable {
    public var limits: [String: Quantity]?
    public var requests: [String: Quantity]?
    public init(limits: [String: Quantity]? = nil, requests: [String: Quantity]? = nil) {
        self.limits = limits
        self.requests = requests
    }
}
