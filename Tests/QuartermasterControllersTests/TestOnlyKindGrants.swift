import Foundation
import KubeCore

/// The RBAC grants a controller needed in a test run, derived from what its builder declared
/// (`Controller.declaredResources`: every informer's resource, the primary's first) and from
/// the requests it sent (`FakeAPIServer.requests`, filtered to the controller's client):
///
/// - `list` and `watch` on every declared kind (its informers);
/// - `create`, `update`, `patch` and `delete` on every declared kind other than the primary
///   that the controller wrote to (a kind it owns: it must also be able to replace and remove
///   what it creates, whether or not this run happened to);
/// - each request's own verb on its resource or subresource (`get` of one object, `list`,
///   `watch`, `create` for POST, `update` for PUT, `patch`, `delete`), so the status writes
///   and the Events count too.
///
/// Cluster-wide grants only (`PolicyGrant.name` `nil`).
enum ControllerGrants {
    /// A request's API coordinates: group (`""` for core), resource (with `/subresource`) and
    /// the RBAC verb.
    struct Access: Hashable {
        var group: String
        var resource: String
        var verb: String
        var grant: PolicyGrant { PolicyGrant(group: group, resource: resource, verb: verb) }
    }

    /// What `controller` needed: see the type's description.
    static func required(declared: [String], requests: [HTTPRequest]) -> Set<PolicyGrant> {
        let kinds = declared.compactMap(kind(ofDescription:))
        let accesses = requests.compactMap(access(of:))
        var required = Set(accesses.map(\.grant))
        for (group, plural) in kinds {
            required.insert(PolicyGrant(group: group, resource: plural, verb: "list"))
            required.insert(PolicyGrant(group: group, resource: plural, verb: "watch"))
        }
        let written = Set(accesses.filter { !["get", "list", "watch"].contains($0.verb) }.map { "\($0.group)/\($0.resource)" })
        for (group, plural) in kinds.dropFirst() where written.contains("\(group)/\(plural)") {
            for verb in ["create", "update", "patch", "delete"] {
                required.insert(PolicyGrant(group: group, resource: plural, verb: verb))
            }
        }
        return required
    }

    /// `(group, plural)` of a `ResourceDescriptor` description, `plural.group/version` (`core`
    /// for the core group), as `Controller.declaredResources` gives them.
    static func kind(ofDescription description: String) -> (group: String, plural: String)? {
        guard let dot = description.firstIndex(of: "."), let slash = description.lastIndex(of: "/") else { return nil }
        let plural = String(description[..<dot])
        let group = String(description[description.index(after: dot)..<slash])
        return (group == "core" ? "" : group, plural)
    }

    /// The access `request` needs: `/api/v1/…` or `/apis/{group}/{version}/…`, then
    /// `[namespaces/{ns}/]{plural}[/{name}[/{subresource}]]`. `nil` for any other path
    /// (discovery).
    static func access(of request: HTTPRequest) -> Access? {
        var parts = request.path.split(separator: "/").map(String.init)
        let group: String
        if parts.first == "api", parts.count >= 3 {
            group = ""
            parts.removeFirst(2)
        } else if parts.first == "apis", parts.count >= 4 {
            group = parts[1]
            parts.removeFirst(3)
        } else {
            return nil
        }
        // `namespaces/{ns}/…` scopes what follows, except a namespace's own subresources.
        if parts.first == "namespaces", parts.count >= 3, !(parts.count == 3 && ["status", "finalize"].contains(parts[2])) {
            parts.removeFirst(2)
        }
        guard let plural = parts.first else { return nil }
        let named = parts.count >= 2
        let resource = parts.count >= 3 ? "\(plural)/\(parts[2])" : plural
        let verb: String
        switch request.method {
        case .get:
            if named {
                verb = "get"
            } else {
                let watch = request.query.first { $0.name == "watch" }?.value
                verb = watch == "true" || watch == "1" ? "watch" : "list"
            }
        case .post: verb = "create"
        case .put: verb = "update"
        case .patch: verb = "patch"
        case .delete: verb = named ? "delete" : "deletecollection"
        }
        return Access(group: group, resource: resource, verb: verb)
    }
}
