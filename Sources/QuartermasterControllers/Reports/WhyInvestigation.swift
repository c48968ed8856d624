import Foundation
import KubeClient
import KubeCore

/// Reads what `quartermaster why` shows, down the owner chain, through the API server as the
/// person running it: a Resource → the object its template made → that object's pods; an
/// IPFSCluster, PostgresInstance or Deployment → its pods (label `app.kubernetes.io/instance`);
/// a Tenant → its Resources that are not Ready, each down its own chain.
public enum WhyInvestigation {
    /// What `why` accepts, by the names `kubectl` users type.
    public enum Kind: String, Sendable, CaseIterable {
        case resource = "Resource", ipfsCluster = "IPFSCluster", postgresInstance = "PostgresInstance"
        case deployment = "Deployment", tenant = "Tenant"

        /// `resource`, `resources`, `res`, `ipfscluster`, `ipfs`, `postgresinstance`, `pg`,
        /// `deployment`, `deploy`, `tenant` (any case; a `.quartermaster.dev` suffix is allowed).
        public init?(argument: String) {
            var text = argument.lowercased()
            if let dot = text.firstIndex(of: ".") {
                guard text[dot...] == ".quartermaster.dev" else { return nil }
                text = String(text[..<dot])
            }
            switch text {
            case "resource", "resources", "res": self = .resource
            case "ipfscluster", "ipfsclusters", "ipfs": self = .ipfsCluster
            case "postgresinstance", "postgresinstances", "pg": self = .postgresInstance
            case "deployment", "deployments", "deploy": self = .deployment
            case "tenant", "tenants": self = .tenant
            default: return nil
            }
        }
    }

    /// The node tree for `kind` `name` in `namespace` (ignored for Tenants); `nil` when the
    /// object does not exist.
    public static func explain(client: KubeClient, kind: Kind, name: String, namespace: String) async throws
        -> WhyReport.Node?
    {
        switch kind {
        case .resource:
            guard let resource = try await client.getIfExists(Resource.self, name: name, namespace: namespace) else {
                return nil
            }
            return try await node(client: client, resource: resource)
        case .ipfsCluster:
            guard let object = try await client.getIfExists(IPFSCluster.self, name: name, namespace: namespace) else { return nil }
            return WhyReport.node(kind: "IPFSCluster", object: object, children: try await pods(client, name, namespace))
        case .postgresInstance:
            guard let object = try await client.getIfExists(PostgresInstance.self, name: name, namespace: namespace) else {
                return nil
            }
            return WhyReport.node(kind: "PostgresInstance", object: object, children: try await pods(client, name, namespace))
        case .deployment:
            guard let object = try await client.getIfExists(AppDeployment.self, name: name, namespace: namespace) else {
                return nil
            }
            return WhyReport.node(kind: "Deployment", object: object, children: try await pods(client, name, namespace))
        case .tenant:
            guard let tenant = try await client.getIfExists(Tenant.self, name: name) else { return nil }
            let resources = try await client.list(Resource.self, namespace: tenant.namespaceName).items
            var children: [WhyReport.Node] = []
            for resource in resources.sorted(by: { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") })
            where resource.status?.phase != .ready {
                children.append(try await node(client: client, resource: resource))
            }
            return WhyReport.node(kind: "Tenant", object: tenant, children: children)
        }
    }

    static func node(client: KubeClient, resource: Resource) async throws -> WhyReport.Node {
        let namespace = resource.metadata.namespace ?? ""
        var children: [WhyReport.Node] = []
        if let child = resource.status?.childRef {
            switch child.kind {
            case IPFSCluster.resource.kind:
                if let object = try await client.getIfExists(IPFSCluster.self, name: child.name, namespace: namespace) {
                    children.append(
                        WhyReport.node(kind: child.kind, object: object, children: try await pods(client, child.name, namespace)))
                }
            case PostgresInstance.resource.kind:
                if let object = try await client.getIfExists(PostgresInstance.self, name: child.name, namespace: namespace) {
                    children.append(
                        WhyReport.node(kind: child.kind, object: object, children: try await pods(client, child.name, namespace)))
                }
            default:
                break
            }
        }
        return WhyReport.node(resource: resource, children: children)
    }

    /// The pods labelled `app.kubernetes.io/instance=<name>`, by name.
    static func pods(_ client: KubeClient, _ name: String, _ namespace: String) async throws -> [WhyReport.Node] {
        let pods = try await client.list(
            Pod.self, namespace: namespace, options: ListOptions(labelSelector: "\(QuartermasterLabels.instanceKey)=\(name)")
        ).items
        return pods.sorted { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }.map(WhyReport.node(pod:))
    }
}
