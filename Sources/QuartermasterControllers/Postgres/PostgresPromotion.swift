import KubeCore

/// One change of primary, as `status.promotions` records it (newest last, at most
/// ``PostgresPromotion/kept``).
public struct PostgresPromotion: Codable, Sendable, Equatable {
    public enum Reason: String, Codable, Sendable, CaseIterable {
        /// The primary was unhealthy for `spec.failoverDelay`.
        case failover = "Failover"
        /// Asked for with the annotation `quartermaster.dev/switchover-to`.
        case switchover = "Switchover"
    }

    /// When the operator decided it, RFC 3339 UTC.
    public var time: String
    /// The previous primary.
    public var from: String
    /// The promoted instance.
    public var to: String
    public var reason: Reason
    /// The previous primary's last reported WAL position (when it reported one).
    public var fromLSN: String?
    /// The promoted replica's received WAL position when it was chosen.
    public var toReceivedLSN: String?
    /// The promoted replica's timeline when it was chosen, plus one: the timeline it promotes to.
    public var timeline: Int?

    /// How many promotions `status.promotions` keeps: 10.
    public static let kept = 10

    public init(
        time: String, from: String, to: String, reason: Reason, fromLSN: String? = nil, toReceivedLSN: String? = nil,
        timeline: Int? = nil
    ) {
        self.time = time
        self.from = from
        self.to = to
        self.reason = reason
        self.fromLSN = fromLSN
        self.toReceivedLSN = toReceivedLSN
        self.timeline = timeline
    }

    static var schema: JSONSchemaProperty {
        .object(
            "One change of primary.", required: ["time", "from", "to", "reason"],
            [
                "time": .string("When the operator decided it (RFC 3339).", format: "date-time"),
                "from": .string("The previous primary."),
                "to": .string("The promoted instance."),
                "reason": .string("Failover or Switchover.", enum: Reason.allCases.map(\.rawValue)),
                "fromLSN": .string("The previous primary's last reported WAL position."),
                "toReceivedLSN": .string("The promoted replica's received WAL position when chosen."),
                "timeline": .integer("The timeline the promoted instance starts."),
            ])
    }
}
