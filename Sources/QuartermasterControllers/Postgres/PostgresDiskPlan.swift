import Foundation
import KubeCore
import KubeRuntime

/// Automatic growth of the instances' volumes and the `DiskPressure` condition, as a pure
/// function of the claims, the instance managers' volume reports (`dataVolume`, `walVolume`)
/// and what the StorageClasses allow.
///
/// - A volume is under pressure at ``pressureThreshold`` (80 %) used.
/// - It grows when its spec volume has `maxSize`, its StorageClass says
///   `allowVolumeExpansion: true`, and its claim's request is below `maxSize`: to
///   min(`maxSize`, request × 1.5 rounded up to a whole Gi), through the claim-growth path
///   (``PostgresInstanceReconciler/growClaim(_:desired:logger:)``). `DiskPressure` True,
///   reason `Expanding`.
/// - A growth is under way while the file system the manager reports is smaller than
///   ``settledShare`` (90 %) of the claim's request: no further growth then (reason
///   `Expanding`), so one full volume is grown once per resize, not once per reconcile.
/// - Otherwise: `DiskPressure` True, reason `AtMaxSize` (request already at `maxSize`) or
///   `CannotExpand` (no `maxSize`, the class does not allow expansion, or the class is unknown),
///   with a Warning event of the same reason when the condition takes that reason.
/// - No volume under pressure: `DiskPressure` False, reason `VolumesHealthy`. No report with
///   volume figures at all (older managers): no condition.
public enum PostgresDiskPlan {
    public static let condition = "DiskPressure"
    /// 0.8: the used share at which a volume is under pressure.
    public static let pressureThreshold = 0.8
    /// 1.5: how much a growth multiplies the claim's request by (before rounding up to Gi).
    public static let growthFactor: Decimal = 1.5
    /// 0.9: a file system smaller than this share of its claim's request is still being resized.
    public static let settledShare = 0.9

    /// One claim of the instance, with what is known about it.
    public struct Claim: Sendable, Hashable {
        public enum Volume: String, Sendable, Hashable { case data, wal }
        public var name: String
        public var pod: String
        public var volume: Volume
        /// `spec.resources.requests.storage`.
        public var request: Quantity
        public var storageClassName: String?
        public init(name: String, pod: String, volume: Volume, request: Quantity, storageClassName: String?) {
            self.name = name
            self.pod = pod
            self.volume = volume
            self.request = request
            self.storageClassName = storageClassName
        }
    }

    public struct Growth: Sendable, Hashable {
        public var claim: String
        public var from: Quantity
        public var to: Quantity
    }

    public struct Output: Sendable {
        /// Claims to grow.
        public var growths: [Growth] = []
        /// `DiskPressure`'s status, reason and message; `nil`: no volume figures, no condition.
        public var condition: (status: Condition.Status, reason: String, message: String)?
        public var events: [PostgresFailoverPlan.Event] = []
    }

    public static func plan(
        spec: PostgresInstanceSpec, claims: [Claim], reports: [String: InstanceReport],
        expandable: [String: Bool], previous: Condition?
    ) -> Output {
        var output = Output()
        var expanding: [String] = [], atMax: [String] = [], cannot: [String] = []
        var sawFigures = false
        for claim in claims.sorted(by: { $0.name < $1.name }) {
            let report = reports[claim.pod]
            guard let usage = claim.volume == .data ? report?.dataVolume : report?.walVolume,
                let fraction = usage.fraction
            else { continue }
            sawFigures = true
            guard fraction >= pressureThreshold else { continue }
            let percent = Int((fraction * 100).rounded())
            let volume = claim.volume == .data ? spec.storage : spec.walStorage
            let cap = volume?.maxSize.flatMap(Quantity.init(parsing:))
            let allowed = claim.storageClassName.flatMap { expandable[$0] } ?? false
            let requestBytes = NSDecimalNumber(decimal: claim.request.value).doubleValue
            if Double(usage.capacityBytes) < requestBytes * settledShare {
                expanding.append("\(claim.name) \(percent)% used, growing to \(claim.request)")
            } else if let cap, claim.request >= cap {
                atMax.append("\(claim.name) \(percent)% used, at its maxSize \(cap)")
            } else if let cap, allowed {
                let target = min(cap, roundedUpToGi(claim.request.value * growthFactor))
                output.growths.append(Growth(claim: claim.name, from: claim.request, to: target))
                expanding.append("\(claim.name) \(percent)% used, growing from \(claim.request) to \(target)")
            } else {
                let why =
                    cap == nil
                    ? "no maxSize is set"
                    : "StorageClass \(claim.storageClassName ?? "(default)") does not allow volume expansion"
                cannot.append("\(claim.name) \(percent)% used, cannot grow: \(why)")
            }
        }
        guard sawFigures else { return output }
        let message = (cannot + atMax + expanding).joined(separator: "; ")
        if !cannot.isEmpty {
            output.condition = (.true, "CannotExpand", message)
        } else if !atMax.isEmpty {
            output.condition = (.true, "AtMaxSize", message)
        } else if !expanding.isEmpty {
            output.condition = (.true, "Expanding", message)
        } else {
            output.condition = (.false, "VolumesHealthy", "every volume is below 80% used")
        }
        if let (status, reason, message) = output.condition, status == .true, reason != "Expanding",
            previous?.reason != reason || previous?.status != .true
        {
            output.events.append(.init(type: .warning, reason: reason, message: message))
        }
        return output
    }

    /// `value` bytes rounded up to a whole Gi, as a `Gi` quantity.
    static func roundedUpToGi(_ value: Decimal) -> Quantity {
        let gi = Decimal(1 << 30)
        var quotient = value / gi
        var rounded = Decimal()
        NSDecimalRound(&rounded, &quotient, 0, .up)
        return Quantity(rounded * gi, format: .binarySI)
    }
}
