/// Which instances should exist, and which is the primary (pure).
///
/// - The serials that exist are those of the instance's data claims and pods (`<name>-<n>`).
/// - The target primary is `status.targetPrimary` while its serial exists; otherwise the lowest
///   serial that exists (the oldest instance); with none, serial 1.
/// - Scale up adds serials `max + 1`, `max + 2`, … (max over every serial that exists, so a
///   serial is not reused while its claim is kept).
/// - Scale down removes the highest serials that are not the target primary: the primary is
///   never removed.
public struct PostgresInstanceTopology: Sendable, Hashable {
    /// The serials that should run, ascending.
    public var serials: [Int]
    /// Serials that exist but are no longer wanted (their pods and claims go), ascending.
    public var removed: [Int]
    /// The target primary's serial (always in ``serials``).
    public var primary: Int

    public static func plan(existing: Set<Int>, instances: Int, targetPrimary: Int?) -> PostgresInstanceTopology {
        let wanted = max(1, instances)
        let sorted = existing.sorted()
        let primary: Int
        if let target = targetPrimary, existing.contains(target) {
            primary = target
        } else {
            primary = sorted.first ?? 1
        }
        var keep = sorted.isEmpty ? [primary] : sorted
        var removed: [Int] = []
        while keep.count > wanted, let victim = keep.last(where: { $0 != primary }) {
            keep.removeAll { $0 == victim }
            removed.append(victim)
        }
        var next = (sorted.max() ?? primary) + 1
        while keep.count < wanted {
            keep.append(next)
            next += 1
        }
        return PostgresInstanceTopology(serials: keep.sorted(), removed: removed.sorted(), primary: primary)
    }
}
