import KubeCore
import KubeRuntime

/// The admission webhook of the operator's kinds, generated from ``QuartermasterKinds/all``:
/// a webhook entry, path and validator for every kind with a ``KindDeclaration/admission``.
public enum QuartermasterAdmission {
    /// The ValidatingWebhookConfiguration's name: `quartermaster-validating-webhook`.
    public static let configurationName = "quartermaster-validating-webhook"
    /// The webhook Service's name: `quartermaster-webhook-service`.
    public static let serviceName = "quartermaster-webhook-service"
    /// The Secret holding the webhook's CA and serving certificate: `quartermaster-webhook-cert`.
    public static let secretName = "quartermaster-webhook-cert"
    /// The port the operator serves the webhook on (the container port): 9443.
    public static let port: UInt16 = 9443

    /// The webhook entry's name for a kind: `<plural>.<group>` (`ipfsclusters.quartermaster.dev`).
    public static func webhookName(_ resource: ResourceDescriptor) -> String { "\(resource.plural).\(resource.group)" }

    /// The path a kind's reviews are posted to: `/validate-<group, dots as dashes>-<version>-<kind, lower-case>`.
    public static func path(_ resource: ResourceDescriptor) -> String {
        "/validate-\(resource.group.replacingOccurrences(of: ".", with: "-"))-\(resource.version)-\(resource.kind.lowercased())"
    }

    /// The kinds with admission checks, in list order.
    public static func kinds(_ kinds: [KindDeclaration] = QuartermasterKinds.all) -> [KindDeclaration] {
        kinds.filter { $0.admission != nil }
    }

    /// Every webhook entry name the operator owns (the only ones whose `caBundle` it patches).
    public static func webhookNames(_ kinds: [KindDeclaration] = QuartermasterKinds.all) -> Set<String> {
        Set(Self.kinds(kinds).map { webhookName($0.resource) })
    }

    /// Validators by path, for ``AdmissionWebhookServer``.
    ///
    /// - Parameter allowFileSources: ``AdmissionInput/allowFileSources`` (the operator's
    ///   ``ControllerSettings/allowFileSources``). Default `false`.
    public static func routes(
        kinds: [KindDeclaration] = QuartermasterKinds.all, tenants: TenantLookup, operatorNamespace: String?,
        allowFileSources: Bool = false
    ) -> [String: AdmissionValidator] {
        var routes: [String: AdmissionValidator] = [:]
        for kind in Self.kinds(kinds) {
            guard let admission = kind.admission else { continue }
            let resource = kind.resource
            routes[path(resource)] = { request in
                verdict(
                    for: request, kind: resource, admission: admission, tenants: tenants, operatorNamespace: operatorNamespace,
                    allowFileSources: allowFileSources)
            }
        }
        return routes
    }

    /// Judges one request for a kind (pure but for the cache read of the Tenant):
    ///
    /// - anything but CREATE or UPDATE of the main resource is allowed (the configuration
    ///   sends none, this is a second line);
    /// - reserved name prefixes (``QuartermasterReservedNames``), the kind's bounds, then the
    ///   Tenant's policy (``KindAdmission/tenantPolicy``, when set and the namespace has a
    ///   Tenant);
    /// - an UPDATE whose `spec` equals the stored one is allowed whatever it finds (warnings),
    ///   so metadata and finalizer changes of an object that already violates never wedge;
    /// - otherwise any problem denies, 422 `Invalid`, every problem in the message.
    public static func verdict(
        for request: AdmissionRequest, kind: ResourceDescriptor, admission: KindAdmission, tenants: TenantLookup,
        operatorNamespace: String?, allowFileSources: Bool = false
    ) -> AdmissionVerdict {
        guard request.subResource?.isEmpty ?? true, request.operation == .create || request.operation == .update else {
            return .allow()
        }
        guard let object = request.newObject else {
            return .deny("the request carries no object", reason: "BadRequest", code: 400)
        }
        let metadataName = object["metadata"]?["name"]?.stringValue ?? ""
        let generateName = object["metadata"]?["generateName"]?.stringValue ?? ""
        let name = !metadataName.isEmpty ? metadataName : (request.name?.isEmpty == false ? request.name ?? "" : generateName)
        let tenant = request.namespace.flatMap { tenants.tenant(forNamespace: $0) }
        let input = AdmissionInput(
            operation: request.operation, name: name, namespace: request.namespace, object: object,
            oldObject: request.storedObject, tenant: tenant, operatorNamespace: operatorNamespace, userInfo: request.userInfo,
            allowFileSources: allowFileSources)

        var problems: [String] = []
        if let reserved = QuartermasterReservedNames.problem(name) { problems.append(reserved) }
        do { problems += try admission.bounds(input) } catch {
            problems.append("the object cannot be read as a \(kind.kind): \(error)")
        }
        if let policy = admission.tenantPolicy, let tenant {
            do { problems += try policy(input, tenant) } catch {
                problems.append("the tenant policy cannot be evaluated: \(error)")
            }
        }
        guard !problems.isEmpty else { return .allow() }
        if request.operation == .update, let old = request.storedObject, old["spec"] == object["spec"] {
            return .allow(warnings: problems.map { "\(kind.kind) \(name) already violates: \($0)" })
        }
        let what = request.namespace.map { "\(kind.kind) \($0)/\(name)" } ?? "\(kind.kind) \(name)"
        return .deny("\(what) is refused: " + problems.joined(separator: "; "), reason: "Invalid", code: 422)
    }
}
