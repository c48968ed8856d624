import Foundation
import KubeCore
import QuartermasterControllers

/// Which grants of the manager role a run of the controllers used, read from the API server's
/// audit log (level Metadata, one JSON object a line), for ``CoreOperatorRBACTests``.
///
/// A grant `(apiGroup, resource[/subresource], resourceName?, verb)` is used when an audit
/// event of the operator user authorized by the server (any response but 401/403) has that
/// group, resource (`resource/subresource` for a subresource), verb and, when the grant names
/// one, object name. One verb is credited without an event of its own name: server-side apply
/// of an object that does not exist yet is audited as `patch` answered `201 Created`, and the
/// server authorizes it as `create` too (the operator creates its objects that way), so such
/// an event also uses the `create` grant.
///
/// Some grants are checked by the API server without any request of their verb, so no audit
/// event can show them; ``AuthorizationOnly`` lists them, each with how the test proves it
/// instead.
struct ManagerRoleUsage {
    /// One audit event, reduced to what authorization looked at.
    struct Request: Hashable, CustomStringConvertible {
        var verb: String
        var group: String
        /// `resource` or `resource/subresource`.
        var resource: String
        var name: String?
        var code: Int

        var description: String { "\(verb) \(group.isEmpty ? "core" : group)/\(resource)\(name.map { " \($0)" } ?? "") -> \(code)" }

        /// Whether this authorized request exercised `grant`.
        func uses(_ grant: PolicyGrant) -> Bool {
            guard group == grant.group, resource == grant.resource else { return false }
            if let wanted = grant.name, wanted != name { return false }
            if verb == grant.verb { return true }
            return grant.verb == "create" && verb == "patch" && code == 201
        }
    }

    /// The operator user's requests, from the audit log at `path`.
    let requests: [Request]

    init(auditLogPath path: String, user: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var seen: Set<Request> = []
        for line in text.split(separator: "\n") {
            guard let json = try? KubeJSON.decode(JSONValue.self, from: Data(line.utf8)),
                json.value(at: "user", "username")?.stringValue == user,
                let verb = json["verb"]?.stringValue,
                let resource = json.value(at: "objectRef", "resource")?.stringValue,
                let code = json.value(at: "responseStatus", "code")?.intValue.map(Int.init)
            else { continue }
            let sub = json.value(at: "objectRef", "subresource")?.stringValue
            seen.insert(
                Request(
                    verb: verb, group: json.value(at: "objectRef", "apiGroup")?.stringValue ?? "",
                    resource: sub.map { "\(resource)/\($0)" } ?? resource,
                    name: json.value(at: "objectRef", "name")?.stringValue, code: code))
        }
        requests = seen.sorted { $0.description < $1.description }
    }

    /// Requests the server refused (403).
    var forbidden: [Request] { requests.filter { $0.code == 403 } }

    /// The grants of `rules` no authorized request used, leaving out `exempt`.
    func unusedGrants(of rules: [DocumentedPolicyRule], exempt: Set<PolicyGrant>) -> [PolicyGrant] {
        let authorized = requests.filter { $0.code != 401 && $0.code != 403 }
        let grants = rules.reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
        return grants.subtracting(exempt).filter { grant in !authorized.contains { $0.uses(grant) } }.sorted()
    }

    /// Grants the API server checks without a request of their verb, so that no audit event
    /// shows them being used. Each is exempt from the audit check only together with the proof
    /// the test gives instead (see ``CoreOperatorRBACTests``).
    enum AuthorizationOnly {
        /// `bind` on the tenant-owner ClusterRole: RBAC escalation prevention checks it while
        /// authorizing a RoleBinding write whose roleRef is that role (only when the writer does
        /// not hold every permission of the role itself). Proof instead: the operator user wrote
        /// the tenant's RoleBinding (audited), the binding's roleRef is
        /// `quartermaster-tenant-owner`, and the tenant-owner role grants something the manager
        /// role does not, so the write could only pass through `bind`.
        static let bindTenantOwner = PolicyGrant(
            group: "rbac.authorization.k8s.io", resource: "clusterroles", name: TenantOwnerRole.name, verb: "bind")

        /// `bind` on the build-reader ClusterRole, proven the same way: the operator user wrote
        /// the RoleBinding `builds` of a build namespace, whose roleRef is
        /// `quartermaster-tenant-build-reader`, a role granting `pods/log` the manager lacks.
        static let bindBuildReader = PolicyGrant(
            group: "rbac.authorization.k8s.io", resource: "clusterroles", name: TenantBuildReaderRole.name, verb: "bind")

        /// `update` on `<kind>/finalizers`: the OwnerReferencesPermissionEnforcement admission
        /// plugin (off in EnvTest, on in hardened clusters such as OpenShift) checks it when an
        /// object is written with an ownerReference to a `<kind>` that has
        /// `blockOwnerDeletion: true`. Proof instead: the test finds, for every such grant, an
        /// object the operator wrote with such an ownerReference.
        static func finalizers(_ kinds: [KindDeclaration]) -> [String: PolicyGrant] {
            Dictionary(
                uniqueKeysWithValues: kinds.map { kind in
                    (
                        kind.resource.kind,
                        PolicyGrant(
                            group: kind.resource.group, resource: "\(kind.resource.plural)/finalizers", verb: "update")
                    )
                })
        }
    }

    /// The HorizontalPodAutoscaler grants: the Deployment controller caches and writes them only
    /// when the server serves `autoscaling/v2` (v1.23 on); EnvTest's v1.20.2 does not. Exempt
    /// only when `autoscaling/v2` is not served.
    static func horizontalPodAutoscalerGrants(of rules: [DocumentedPolicyRule]) -> Set<PolicyGrant> {
        rules.reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
            .filter { $0.group == "autoscaling" && $0.resource == "horizontalpodautoscalers" }
    }

    /// The PodDisruptionBudget grants: the IPFSCluster controller caches and writes
    /// PodDisruptionBudgets only when the server serves `policy/v1` (v1.21 on); EnvTest's
    /// v1.20.2 does not, so no request can use them there. Exempt only when `policy/v1` is not
    /// served.
    static func podDisruptionBudgetGrants(of rules: [DocumentedPolicyRule]) -> Set<PolicyGrant> {
        rules.reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
            .filter { $0.group == "policy" && $0.resource == "poddisruptionbudgets" }
    }
}
