/// `spec.metrics` of a kind whose pods export Prometheus metrics: whether they do. A missing
/// `enabled` (or a missing `metrics`) means `true`.
public struct MetricsSetting: Codable, Sendable, Equatable {
    /// Default true.
    public var enabled: Bool
    public init(enabled: Bool = true) { self.enabled = enabled }
    enum CodingKeys: String, CodingKey { case enabled }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
    }
}
