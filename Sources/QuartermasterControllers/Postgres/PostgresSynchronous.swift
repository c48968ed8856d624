import KubeCore

/// `spec.synchronous`: synchronous replication. `nil` (the default) keeps replication
/// asynchronous: a failover may lose the transactions the promoted replica had not received.
///
/// With `number: N` the primary sets `synchronous_standby_names = 'ANY N (<replicas>)'` and
/// `synchronous_commit = on` (both operator-controlled, refused in `parameters`): a commit
/// returns once N replicas have flushed it, so the replica a failover promotes (the one that
/// received the most WAL) holds every acknowledged commit as long as no more than N replicas
/// fail with the primary. `number` is 1...``maxNumber`` and must be smaller than
/// `spec.instances` (else `Stalled`, reason `InvalidSynchronous`; the webhook refuses it too):
/// with fewer replicas than N no commit would ever return.
public struct PostgresSynchronous: Codable, Sendable, Equatable {
    /// Replicas that must confirm each commit. 1...``maxNumber``, default 1.
    public var number: Int

    public static let defaultNumber = 1
    /// The schema's maximum of `number`: 8 (at most 9 instances, so 8 replicas).
    public static let maxNumber = 8

    public init(number: Int = defaultNumber) { self.number = number }

    enum CodingKeys: String, CodingKey { case number }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.decodeIfPresent(Int.self, forKey: .number) ?? Self.defaultNumber
    }

    /// Why `number` cannot work with `instances` instances; `nil` when it can.
    public func violation(instances: Int) -> String? {
        if !(1...Self.maxNumber).contains(number) {
            return "spec.synchronous.number: \(number) is out of range; 1 to \(Self.maxNumber)"
        }
        if number >= instances {
            return "spec.synchronous.number: \(number) must be smaller than spec.instances (\(instances)): "
                + "a commit waits for \(number) replicas and there are \(max(0, instances - 1))"
        }
        return nil
    }

    static var schema: JSONSchemaProperty {
        .object(
            "Synchronous replication: each commit waits until number replicas have flushed it (synchronous_standby_names ANY number, synchronous_commit on). Omitted: asynchronous replication, a failover may lose the last commits. number must be smaller than instances.",
            [
                "number": .integer(
                    "Replicas that must confirm each commit.", default: Int64(defaultNumber), minimum: 1,
                    maximum: Int64(maxNumber))
            ])
    }
}
