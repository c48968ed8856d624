import Foundation
import KubeCore

/// Whether a template's needs fit the headroom (`hard - used - reserved`) of a namespace's
/// quotas (pure). `reserved` is what sibling Resources still being created will take
/// (``QuotaReservation``): not yet in `used`, but already promised.
///
/// Only resources a quota caps are checked; resources no quota mentions always fit.
public enum QuotaCheck {
    /// Checks `needs` (ResourceQuota resource name → amount, e.g. `ResourceFootprint.quotaUsage`)
    /// against every quota in `quotas` (all must fit, as the API server enforces each).
    ///
    /// A quota whose `status.hard` is not filled in yet (just created) gives `.notCounted`.
    public static func check(
        needs: [String: Quantity], quotas: [ResourceQuota], reserved: QuotaReservation = QuotaReservation()
    ) -> QuotaCheckResult {
        var shortfalls: [QuotaShortfall] = []
        for quota in quotas {
            let name = quota.metadata.name ?? "quota"
            guard let status = quota.status, status.hard != nil else {
                return .notCounted("waiting for ResourceQuota \(name) to be counted")
            }
            if case .exceeded(let s) = check(needs: needs, quota: status, reserved: reserved) { shortfalls += s }
        }
        return shortfalls.isEmpty ? .fits : .exceeded(shortfalls)
    }

    /// Checks `needs` against one quota status.
    public static func check(
        needs: [String: Quantity], quota: ResourceQuotaStatus, reserved: QuotaReservation = QuotaReservation()
    ) -> QuotaCheckResult {
        var shortfalls: [QuotaShortfall] = []
        for (resource, hard) in (quota.hard ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let need = needs[resource], !need.isZero else { continue }
            let used = quota.used?[resource] ?? Quantity(0)
            let held = reserved.usage[resource] ?? Quantity(0)
            let remaining = hard - used - held
            if need > remaining {
                shortfalls.append(
                    QuotaShortfall(
                        resource: resource, needs: need, hard: hard, used: used, reserved: held,
                        reservedFor: held.isZero ? [] : reserved.resources))
            }
        }
        return shortfalls.isEmpty ? .fits : .exceeded(shortfalls)
    }
}

/// The outcome of `QuotaCheck`.
public enum QuotaCheckResult: Hashable, Sendable {
    /// Every capped resource has enough headroom.
    case fits
    /// At least one does not; in resource-name order.
    case exceeded([QuotaShortfall])
    /// A quota has not been counted by the quota controller yet; check again later.
    case notCounted(String)

    /// `nil` when it fits; otherwise every shortfall's message joined by `"; "`, or the
    /// not-counted reason.
    public var message: String? {
        switch self {
        case .fits: return nil
        case .exceeded(let s): return s.map(\.message).joined(separator: "; ")
        case .notCounted(let m): return m
        }
    }
}

/// One resource a template needs more of than the quota leaves.
public struct QuotaShortfall: Hashable, Sendable {
    /// The ResourceQuota resource name, e.g. `requests.storage`.
    public var resource: String
    public var needs: Quantity
    public var hard: Quantity
    public var used: Quantity
    /// What sibling Resources still being created will take (``QuotaReservation``).
    public var reserved: Quantity
    /// Those Resources' names, when `reserved` is not zero.
    public var reservedFor: [String]

    public init(
        resource: String, needs: Quantity, hard: Quantity, used: Quantity, reserved: Quantity = 0,
        reservedFor: [String] = []
    ) {
        self.resource = resource
        self.needs = needs
        self.hard = hard
        self.used = used
        self.reserved = reserved
        self.reservedFor = reservedFor
    }

    /// `hard - used - reserved`, never below zero.
    public var remaining: Quantity {
        let r = hard - used - reserved
        return r.value < 0 ? Quantity(0) : r
    }

    /// `requests.storage: needs 100Gi, 20Gi of 20Gi hard remains (0 used)`, or with a
    /// reservation `requests.cpu: needs 1, 0 of 2 hard remains (1 used, 1 reserved for
    /// Resources still being created: a, b)`.
    public var message: String {
        let reservation =
            reserved.isZero ? "" : ", \(reserved) reserved for Resources still being created: "
            + reservedFor.joined(separator: ", ")
        return "\(resource): needs \(needs), \(remaining) of \(hard) hard remains (\(used) used\(reservation))"
    }
}
