import Foundation
import KubeCore

/// A child the operator would write already exists and is not controlled by the object at hand
/// (another owner's, or nobody's): the operator never writes over it. The owner is reported
/// `Stalled`, reason `NameConflict`, and nothing else is applied until the name is free.
///
/// Without this, two owners whose children share a name (an IPFSCluster named like a tenant's
/// NetworkPolicy) would rewrite each other's object without end.
public struct ChildNameConflict: Error, Hashable, Sendable, CustomStringConvertible {
    public var kind: String
    public var name: String
    /// `Kind/name` of the object's controller, or `nil` when nothing controls it.
    public var controller: String?

    /// `nil` when `existing` is controlled by `uid`; the conflict otherwise (pure).
    public static func check(kind: String, existing: ObjectMeta, ownerUID uid: String) -> ChildNameConflict? {
        guard !existing.isControlled(byUID: uid) else { return nil }
        let controller = existing.controllerReference.map { "\($0.kind)/\($0.name)" }
        return ChildNameConflict(kind: kind, name: existing.name ?? "", controller: controller)
    }

    public var description: String {
        let owner = controller.map { "belongs to \($0)" } ?? "was not created by Quartermaster for this object"
        return "\(kind) \(name) already exists and \(owner); it is left alone: rename this object or remove that \(kind)"
    }
}
