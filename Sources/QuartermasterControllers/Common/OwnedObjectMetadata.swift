import KubeCore

extension ObjectMeta {
    /// Metadata of an object a controller creates for `owner`: same namespace, the given labels,
    /// and exactly one owner reference, marked as controller (`controller: true`,
    /// `blockOwnerDeletion: true`), so the garbage collector deletes it with the owner.
    public static func owned(
        name: String, namespace: String, labels: [String: String], annotations: [String: String]? = nil,
        owner: OwnerReference
    ) -> ObjectMeta {
        ObjectMeta(name: name, namespace: namespace, labels: labels, annotations: annotations, ownerReferences: [owner])
    }

    /// The owner reference marked `controller: true`, if any.
    public var controllerReference: OwnerReference? {
        ownerReferences?.first { $0.controller == true }
    }

    /// `true` when the object's controlling owner has this UID.
    public func isControlled(byUID uid: String) -> Bool { controllerReference?.uid == uid }
}
