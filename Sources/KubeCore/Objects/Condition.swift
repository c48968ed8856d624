import Foundation

/// `meta/v1 Condition`: one aspect of an object's state, as found in `status.conditions`.
public struct Condition: Codable, Hashable, Sendable {
    /// `Ready`, `Progressing`, ... (CamelCase).
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: Status
    /// The `metadata.generation` the condition was computed from.
    public var observedGeneration: Int64?
    /// RFC 3339 time of the last change of `status` (`APITimestamp.time`).
    public var lastTransitionTime: String?
    /// CamelCase machine-readable reason.
    public var reason: String?
    public var message: String?

    public enum Status: String, Codable, Hashable, Sendable {
        case `true` = "True", `false` = "False", unknown = "Unknown"
    }

    public init(
        type: String, status: Status, observedGeneration: Int64? = nil, lastTransitionTime: String? = nil,
        reason: String? = nil, message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }

}

extension Array where Element == Condition {
    /// The condition of the given type, if present.
    public subscript(type type: String) -> Condition? { first { $0.type == type } }

    /// `true` when the condition of `type` is present with status `True`.
    public func isTrue(_ type: String) -> Bool { self[type: type]?.status == .true }

    /// Sets `condition`, replacing the one of the same type.
    ///
    /// `lastTransitionTime` is kept from the existing condition when the status did not change,
    /// and set to `now` when it did (or when the condition is new and has none).
    /// Returns `true` when anything visible changed (status, reason, message or
    /// observedGeneration), so callers can skip a no-op status write.
    @discardableResult
    public mutating func set(_ condition: Condition, now: Date = Date()) -> Bool {
        var new = condition
        if let i = firstIndex(where: { $0.type == condition.type }) {
            let old = self[i]
            new.lastTransitionTime =
                old.status == new.status
                ? (old.lastTransitionTime ?? new.lastTransitionTime ?? APITimestamp.time(now))
                : APITimestamp.time(now)
            self[i] = new
            return old != new
        }
        if new.lastTransitionTime == nil { new.lastTransitionTime = APITimestamp.time(now) }
        append(new)
        return true
    }

    /// Removes the condition of `type`; returns `true` if there was one.
    @discardableResult
    public mutating func remove(type: String) -> Bool {
        let before = count
        removeAll { $0.type == type }
        return count != before
    }
}
