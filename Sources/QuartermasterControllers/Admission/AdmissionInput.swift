import KubeCore

/// What a kind's admission checks are given: the request's facts, the object as it would be
/// stored, and the Tenant of the namespace (from the shared informer cache).
///
/// The Tenant comes from a cache, so it may lag a change by a moment; that is acceptable
/// because the reconcilers check again and report in status what the webhook let through.
public struct AdmissionInput: Sendable {
    /// `CREATE` or `UPDATE` (the only operations validated).
    public var operation: AdmissionOperation
    /// The object's name (for `generateName`, the prefix).
    public var name: String
    /// The object's namespace; `nil` for cluster-scoped kinds.
    public var namespace: String?
    /// The object as it would be stored.
    public var object: JSONValue
    /// The stored object (UPDATE only).
    public var oldObject: JSONValue?
    /// The Tenant whose namespace this is (the namespace's `quartermaster.dev/tenant` label,
    /// confirmed by its UID marker), or `nil` when it is no tenant's or not cached.
    public var tenant: Tenant?
    /// The operator's namespace, never a tenant's (``TenantSpecError/isReservedNamespace(_:operatorNamespace:)``).
    public var operatorNamespace: String?
    /// Who sends the request.
    public var userInfo: AdmissionUserInfo?
    /// The operator runs with `--allow-file-sources` (``ControllerSettings/allowFileSources``):
    /// a Deployment's source may be a `file://` URL (tests). Default `false`.
    public var allowFileSources: Bool

    public init(
        operation: AdmissionOperation, name: String, namespace: String?, object: JSONValue, oldObject: JSONValue? = nil,
        tenant: Tenant? = nil, operatorNamespace: String? = nil, userInfo: AdmissionUserInfo? = nil,
        allowFileSources: Bool = false
    ) {
        self.allowFileSources = allowFileSources
        self.operation = operation
        self.name = name
        self.namespace = namespace
        self.object = object
        self.oldObject = oldObject
        self.tenant = tenant
        self.operatorNamespace = operatorNamespace
        self.userInfo = userInfo
    }

    /// The object decoded as `type`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try KubeJSON.decode(T.self, from: KubeJSON.encode(object))
    }
}
